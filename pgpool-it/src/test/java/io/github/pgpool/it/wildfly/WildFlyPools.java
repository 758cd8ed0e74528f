package io.github.pgpool.it.wildfly;

import io.github.pgpool.it.Deployments;
import io.github.pgpool.it.Setup;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.jboss.as.arquillian.api.ServerSetupTask;
import org.jboss.as.arquillian.container.ManagementClient;
import org.jboss.as.controller.client.ModelControllerClient;
import org.jboss.as.controller.client.helpers.Operations;
import org.jboss.dmr.ModelNode;
import org.wildfly.plugin.tools.ServerHelper;

/**
 * Configures WildFly's resource-adapters subsystem through the management model before anything is deployed: one
 * activation of pgpool.rar for XATransaction (with XA recovery credentials, so WildFly registers the pools for
 * recovery) and one for LocalTransaction, each with a connection definition per pool. WildFly's own pool cannot be
 * switched off, so it is sized to be invisible: min-pool-size 0, no prefill, max-pool-size above every MaxSize.
 * Also turns on the transaction recovery listener, which lets the recovery test ask for a recovery scan, and adds
 * WildFly's own XA data source on pgjdbc, the reference of {@link io.github.pgpool.it.TxEndScenarios}
 * ({@link WildFlyReferenceDataSource}).
 *
 * <p>The unpacked server in target/ keeps its configuration between runs, so setup first removes what an
 * interrupted run may have left, and tearDown removes everything it added.
 */
public class WildFlyPools implements ServerSetupTask {
    static final String XA_ADAPTER = "pgpool-xa";
    static final String LOCAL_ADAPTER = "pgpool-local";
    static final int WILDFLY_MAX_POOL_SIZE = 8;

    /** The global JNDI name WildFly binds a pool under; web.xml maps the application's java:app name to it. */
    static String globalJndiName(Setup.Pool pool) {
        return "java:/pgpool/" + pool.name();
    }

    /** Where server.log ended before this run configured anything: the log checks read only what came after. */
    static volatile long serverLogOffset;

    @Override
    public void setup(ManagementClient client, String containerId) throws Exception {
        java.nio.file.Path log = WildFlyIT.serverLog();
        serverLogOffset = java.nio.file.Files.exists(log) ? java.nio.file.Files.size(log) : 0;
        removeAdapters(client.getControllerClient(), XA_ADAPTER, LOCAL_ADAPTER);
        WildFlyReferenceDataSource.remove(client);
        WildFlyReferenceDataSource.installModule();
        Operations.CompositeOperationBuilder ops = Operations.CompositeOperationBuilder.create();
        addPools(ops, Setup.WILDFLY, Setup.POOLS, XA_ADAPTER, LOCAL_ADAPTER, WildFlyPools::globalJndiName);
        WildFlyReferenceDataSource.add(ops, setupUser(), setupPassword());
        ops.addStep(Operations.createWriteAttributeOperation(transactions(), "recovery-listener", true));
        executeOrFail(client.getControllerClient(), ops.build().getOperation());
        // The recovery listener needs a reload; the adapters become active when pgpool.rar is deployed.
        ServerHelper.reloadIfRequired(client.getControllerClient(), 120);
    }

    /**
     * Adds the steps that make the given pools: an activation of pgpool.rar per transaction support that the pools
     * use (XA ones with recovery credentials) and a connection definition with its config properties per pool.
     */
    static void addPools(Operations.CompositeOperationBuilder ops, Setup setup, List<Setup.Pool> pools,
            String xaAdapter, String localAdapter, Function<Setup.Pool, String> jndiName) {
        boolean anyXa = pools.stream().anyMatch(p -> p.transactionSupport().equals("XATransaction"));
        if (anyXa) {
            ops.addStep(adapter(xaAdapter, "XATransaction"));
        }
        if (pools.stream().anyMatch(p -> !p.transactionSupport().equals("XATransaction"))) {
            ops.addStep(adapter(localAdapter, "LocalTransaction"));
        }
        for (Setup.Pool pool : pools) {
            boolean xa = pool.transactionSupport().equals("XATransaction");
            ModelNode cd = address(xa ? xaAdapter : localAdapter, pool.name());
            ModelNode add = Operations.createAddOperation(cd);
            add.get("class-name").set("io.github.pgpool.jca.PgPoolManagedConnectionFactory");
            add.get("jndi-name").set(jndiName.apply(pool));
            add.get("min-pool-size").set(0);
            add.get("initial-pool-size").set(0);
            add.get("max-pool-size").set(WILDFLY_MAX_POOL_SIZE);
            add.get("pool-prefill").set(false);
            // IronJacamar's default ("tracking" undefined) treats a handle still open when a transaction ends as
            // an error: it logs IJ000315 and destroys the managed connection, which closes the handle, for
            // pgpool as for WildFly's own data sources. Off, a handle may outlive its transaction, as JTA allows
            // (README: "WildFly").
            add.get("tracking").set(false);
            if (xa) {
                // Without recovery credentials WildFly logs IJ020016 and never asks the pool about in-doubt branches.
                add.get("recovery-username").set(setupUser());
                add.get("recovery-password").set(setupPassword());
            }
            ops.addStep(add);
            for (Map.Entry<String, String> p : setup.properties(pool).entrySet()) {
                ModelNode prop = cd.clone();
                prop.add("config-properties", p.getKey());
                ModelNode addProp = Operations.createAddOperation(prop);
                addProp.get("value").set(p.getValue());
                ops.addStep(addProp);
            }
        }
    }

    @Override
    public void tearDown(ManagementClient client, String containerId) throws Exception {
        removeAdapters(client.getControllerClient(), XA_ADAPTER, LOCAL_ADAPTER);
        WildFlyReferenceDataSource.remove(client);
        executeOrFail(client.getControllerClient(),
                Operations.createWriteAttributeOperation(transactions(), "recovery-listener", false));
        ServerHelper.reloadIfRequired(client.getControllerClient(), 120);
    }

    private static String setupUser() {
        return io.github.pgpool.it.ItEnv.server().user();
    }

    /** WildFly insists on a non-empty recovery password; with trust authentication any text will do. */
    private static String setupPassword() {
        String password = io.github.pgpool.it.ItEnv.server().password();
        return password.isEmpty() ? "unused-with-trust-auth" : password;
    }

    static void removeAdapters(ModelControllerClient client, String... names) throws Exception {
        for (String name : names) {
            ModelNode address = Operations.createAddress("subsystem", "resource-adapters", "resource-adapter", name);
            if (exists(client, address)) {
                executeOrFail(client, Operations.createRemoveOperation(address));
            }
        }
    }

    private static ModelNode adapter(String name, String transactionSupport) {
        ModelNode add = Operations.createAddOperation(
                Operations.createAddress("subsystem", "resource-adapters", "resource-adapter", name));
        add.get("archive").set(Deployments.RAR_NAME);
        add.get("transaction-support").set(transactionSupport);
        return add;
    }

    private static ModelNode address(String adapter, String pool) {
        return Operations.createAddress("subsystem", "resource-adapters", "resource-adapter", adapter,
                "connection-definitions", pool);
    }

    private static ModelNode transactions() {
        return Operations.createAddress("subsystem", "transactions");
    }

    static boolean exists(ModelControllerClient client, ModelNode address) throws Exception {
        return Operations.isSuccessfulOutcome(client.execute(Operations.createReadResourceOperation(address)));
    }

    static boolean exists(ManagementClient client, ModelNode address) throws Exception {
        return exists(client.getControllerClient(), address);
    }

    static void executeOrFail(ManagementClient client, ModelNode op) throws Exception {
        executeOrFail(client.getControllerClient(), op);
    }

    static void executeOrFail(ModelControllerClient client, ModelNode op) throws Exception {
        ModelNode result = client.execute(op);
        if (!Operations.isSuccessfulOutcome(result)) {
            throw new IllegalStateException("WildFly management operation failed: "
                    + Operations.getFailureDescription(result).asString() + "\noperation: " + op);
        }
    }
}
