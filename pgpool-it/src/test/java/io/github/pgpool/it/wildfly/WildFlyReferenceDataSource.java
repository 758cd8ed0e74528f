package io.github.pgpool.it.wildfly;

import io.github.pgpool.it.ItEnv;
import io.github.pgpool.it.Setup;
import io.github.pgpool.it.TxEndScenarios;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import org.jboss.as.arquillian.container.ManagementClient;
import org.jboss.as.controller.client.helpers.Operations;
import org.jboss.dmr.ModelNode;

/**
 * WildFly's own XA data source on pgjdbc, the reference {@link TxEndScenarios} compares pgpool with: the driver jar
 * of this build as a module of the unpacked server, a JDBC driver on it, and an xa-data-source with its own
 * database, configured like pgpool's connection definitions (no prefill, tracking off, recovery credentials).
 */
final class WildFlyReferenceDataSource {
    static final String JNDI_NAME = "java:/pgpool-it/reference-xa";
    private static final String MODULE = "io.github.pgpool.it.pgjdbc";
    private static final String DRIVER = "pgpool-it-pgjdbc";
    private static final String DATA_SOURCE = "pgpool-it-reference-xa";

    private WildFlyReferenceDataSource() {
    }

    /** Writes the driver module into the server's module tree (the module loader finds it when first asked). */
    static void installModule() throws IOException {
        Path dir = Path.of(System.getProperty("pgpool.it.wildfly.home"), "modules")
                .resolve(MODULE.replace('.', '/')).resolve("main");
        Files.createDirectories(dir);
        Path jar = ItEnv.driverJar().toPath();
        Files.copy(jar, dir.resolve(jar.getFileName()), StandardCopyOption.REPLACE_EXISTING);
        Files.writeString(dir.resolve("module.xml"), """
                <?xml version="1.0" encoding="UTF-8"?>
                <module xmlns="urn:jboss:module:1.9" name="%s">
                  <resources>
                    <resource-root path="%s"/>
                  </resources>
                  <dependencies>
                    <module name="java.se"/>
                    <module name="jakarta.transaction.api"/>
                  </dependencies>
                </module>
                """.formatted(MODULE, jar.getFileName()), StandardCharsets.UTF_8);
    }

    /** Adds the driver and the data source to a composite operation. */
    static void add(Operations.CompositeOperationBuilder ops, String user, String password) {
        ModelNode driver = Operations.createAddOperation(driverAddress());
        driver.get("driver-name").set(DRIVER);
        driver.get("driver-module-name").set(MODULE);
        driver.get("driver-xa-datasource-class-name").set("org.postgresql.xa.PGXADataSource");
        ops.addStep(driver);
        ModelNode ds = Operations.createAddOperation(dataSourceAddress());
        ds.get("jndi-name").set(JNDI_NAME);
        ds.get("driver-name").set(DRIVER);
        ds.get("user-name").set(user);
        ds.get("password").set(password);
        ds.get("min-pool-size").set(0);
        ds.get("initial-pool-size").set(0);
        ds.get("max-pool-size").set(4);
        ds.get("pool-prefill").set(false);
        ds.get("tracking").set(false); // its default; the same as on pgpool's connection definitions (WildFlyPools)
        ds.get("recovery-username").set(user);
        ds.get("recovery-password").set(password);
        ds.get("enabled").set(true);
        ops.addStep(ds);
        ItEnv.Server server = ItEnv.server();
        Map<String, String> properties = Map.of("ServerName", server.host(), "PortNumber",
                Integer.toString(server.port()), "DatabaseName", TxEndScenarios.referenceDatabase(Setup.WILDFLY),
                "ApplicationName", "pgpool-it-reference");
        properties.forEach((name, value) -> {
            ModelNode address = dataSourceAddress();
            address.add("xa-datasource-properties", name);
            ModelNode property = Operations.createAddOperation(address);
            property.get("value").set(value);
            ops.addStep(property);
        });
    }

    /** Removes the data source and the driver if an earlier run left them. */
    static void remove(ManagementClient client) throws Exception {
        for (ModelNode address : new ModelNode[] {dataSourceAddress(), driverAddress()}) {
            if (WildFlyPools.exists(client, address)) {
                WildFlyPools.executeOrFail(client, Operations.createRemoveOperation(address));
            }
        }
    }

    private static ModelNode driverAddress() {
        return Operations.createAddress("subsystem", "datasources", "jdbc-driver", DRIVER);
    }

    private static ModelNode dataSourceAddress() {
        return Operations.createAddress("subsystem", "datasources", "xa-data-source", DATA_SOURCE);
    }
}
