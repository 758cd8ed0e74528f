package io.github.pgpool.it.wildfly;

import io.github.pgpool.it.Deployments;
import io.github.pgpool.it.LiveChangeScenarios;
import io.github.pgpool.it.PostgresRequired;
import io.github.pgpool.it.Setup;
import java.net.URL;
import java.util.Map;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.OperateOnDeployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.as.controller.client.ModelControllerClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.jboss.as.controller.client.helpers.Operations;
import org.jboss.dmr.ModelNode;
import org.jboss.shrinkwrap.api.spec.ResourceAdapterArchive;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.extension.ExtendWith;
import org.wildfly.plugin.tools.ServerHelper;

/**
 * Live changes on WildFly 39, the way the README tells administrators: a connection definition of an activation of
 * pgpool.rar, changed with {@code :write-attribute(name=value, value=...)} on one of its config-properties. WildFly
 * answers that with "reload-required" (a connection definition's config property is read when the adapter is
 * activated) and applies the value at the next {@code :reload}, which restarts the adapter and the application:
 * requests that arrive during the reload fail, before and after it none do.
 */
@ExtendWith({PostgresRequired.class, ArquillianExtension.class})
@RunAsClient
@Setup.Uses(Setup.WILDFLY)
class WildFlyLiveChangeIT extends LiveChangeScenarios {
    static final String ADAPTER = "pgpool-live";

    @Deployment(name = "rar", order = 1, testable = false)
    static ResourceAdapterArchive rar() {
        return Deployments.rar();
    }

    @Deployment(name = "app", order = 2, testable = false)
    static WebArchive war() {
        return Deployments.liveWar("pgpool-it-live.war");
    }

    @ArquillianResource
    @OperateOnDeployment("app")
    private URL url;

    /** The managed server's management interface (the port arquillian.xml gives it). */
    private static ModelControllerClient management;

    @BeforeAll
    static void connect() throws java.net.UnknownHostException {
        management = ModelControllerClient.Factory.create("remote+http", "127.0.0.1",
                Integer.getInteger("pgpool.it.wildfly.management.port", 9990));
    }

    @AfterAll
    static void disconnect() throws Exception {
        management.close();
    }

    static ModelControllerClient management() {
        return management;
    }

    @Override
    protected URL app() {
        return url;
    }

    @Override
    protected String serverName() {
        return "WildFly 39";
    }

    @Override
    protected boolean restartsOnChange() {
        return true;
    }

    @Override
    protected String jndi(String pool) {
        return "java:/" + ADAPTER + "/" + pool;
    }

    @Override
    protected void createPool(String pool, Map<String, String> properties) {
        try {
            deletePool(pool);
            Operations.CompositeOperationBuilder ops = Operations.CompositeOperationBuilder.create();
            // An activation of its own per pool: a connection definition added to an active one is not bound
            // until a reload, and WildFly does not even say that one is required.
            ModelNode addAdapter = Operations.createAddOperation(adapter(pool));
            addAdapter.get("archive").set(Deployments.RAR_NAME);
            addAdapter.get("transaction-support").set("LocalTransaction");
            ops.addStep(addAdapter);
            ModelNode cd = definition(pool);
            ModelNode add = Operations.createAddOperation(cd);
            add.get("class-name").set("io.github.pgpool.jca.PgPoolManagedConnectionFactory");
            add.get("jndi-name").set(jndi(pool));
            add.get("min-pool-size").set(0);
            add.get("max-pool-size").set(40);
            add.get("pool-prefill").set(false);
            add.get("tracking").set(false);
            ops.addStep(add);
            for (Map.Entry<String, String> p : properties.entrySet()) {
                ModelNode addProp = Operations.createAddOperation(property(pool, p.getKey()));
                addProp.get("value").set(p.getValue());
                ops.addStep(addProp);
            }
            WildFlyPools.executeOrFail(management, ops.build().getOperation());
            // As the README says: an activation of an already deployed archive starts with :activate.
            WildFlyPools.executeOrFail(management, Operations.createOperation("activate", adapter(pool)));
            ServerHelper.reloadIfRequired(management, 120);
        } catch (Exception e) {
            throw new IllegalStateException("cannot create the WildFly pool " + pool, e);
        }
    }

    @Override
    protected void changeProperty(String pool, String property, String value) {
        try {
            WildFlyPools.executeOrFail(management,
                    Operations.createWriteAttributeOperation(property(pool, property), "value", value));
            ServerHelper.reloadIfRequired(management, 120);
        } catch (Exception e) {
            throw new IllegalStateException("cannot change " + property + " of the WildFly pool " + pool, e);
        }
    }

    @Override
    protected void deletePool(String pool) {
        try {
            if (WildFlyPools.exists(management, adapter(pool))) {
                WildFlyPools.executeOrFail(management, Operations.createRemoveOperation(adapter(pool)));
                ServerHelper.reloadIfRequired(management, 120);
            }
        } catch (Exception e) {
            throw new IllegalStateException("cannot remove the WildFly pool " + pool, e);
        }
    }

    private static ModelNode adapter(String pool) {
        return Operations.createAddress("subsystem", "resource-adapters", "resource-adapter", ADAPTER + "-" + pool);
    }

    private static ModelNode definition(String pool) {
        ModelNode address = adapter(pool);
        address.add("connection-definitions", pool);
        return address;
    }

    static ModelNode property(String pool, String name) {
        ModelNode address = definition(pool);
        address.add("config-properties", name);
        return address;
    }
}
