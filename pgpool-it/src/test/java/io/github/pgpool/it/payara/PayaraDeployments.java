package io.github.pgpool.it.payara;

import io.github.pgpool.it.Deployments;
import io.github.pgpool.it.ItEnv;
import io.github.pgpool.it.Setup;
import io.github.pgpool.it.TxEndScenarios;
import java.util.Map;
import org.jboss.shrinkwrap.api.asset.StringAsset;
import org.jboss.shrinkwrap.api.spec.WebArchive;

/**
 * The Payara variant of the test WAR: its pools and resources come from WEB-INF/glassfish-resources.xml (application
 * scoped, so names start with java:app/), and its class loader looks inside the WAR first.
 */
public final class PayaraDeployments {
    private PayaraDeployments() {
    }

    static WebArchive war(Setup setup, String name) {
        WebArchive war = Deployments.war(name, "java:app/pgpool/jpa",
                Map.of("eclipselink.logging.level", "WARNING", "eclipselink.target-database", "PostgreSQL"));
        // delegate=false: the WAR's own classes win over anything on the (shared) JVM classpath.
        war.addAsWebInfResource(new StringAsset("""
                <?xml version="1.0" encoding="UTF-8"?>
                <!DOCTYPE glassfish-web-app PUBLIC "-//GlassFish.org//DTD GlassFish Application Server 3.1 Servlet 3.0//EN" "http://glassfish.org/dtds/glassfish-web-app_3_0-1.dtd">
                <glassfish-web-app>
                  <class-loader delegate="false"/>
                </glassfish-web-app>
                """), "glassfish-web.xml");
        war.addAsWebInfResource(new StringAsset(resources(setup)), "glassfish-resources.xml");
        // The driver of Payara's own JDBC pool, the reference of TxEndScenarios: Payara loads the data source class
        // of an application-scoped pool with the application's class loader (pgpool brings its own copy).
        war.addAsLibrary(ItEnv.driverJar());
        return war;
    }

    /**
     * One connector connection pool and resource per pgpool pool. Payara's own pool either stays on (steady size 0,
     * a maximum above every MaxSize so that pgpool's limits are the ones that apply) or is switched off.
     */
    static String resources(Setup setup) {
        return resources(setup, Setup.POOLS, setup == Setup.PAYARA_POOLED);
    }

    /** The same for some of the pools: {@code glassfish-resources.xml} with one pool and resource for each. */
    public static String resources(Setup setup, java.util.List<Setup.Pool> pools, boolean pooling) {
        StringBuilder xml = new StringBuilder("""
                <?xml version="1.0" encoding="UTF-8"?>
                <!DOCTYPE resources PUBLIC "-//GlassFish.org//DTD GlassFish Application Server 3.1 Resource Definitions//EN" "http://glassfish.org/dtds/glassfish-resources_1_5.dtd">
                <resources>
                """);
        for (Setup.Pool pool : pools) {
            String poolName = "java:app/pool/" + pool.name();
            xml.append("  <connector-connection-pool name=\"").append(poolName)
                    .append("\" resource-adapter-name=\"pgpool\" connection-definition-name=\"javax.sql.DataSource\"")
                    .append(" transaction-support=\"").append(pool.transactionSupport()).append('"')
                    .append(" steady-pool-size=\"0\" max-pool-size=\"16\" max-wait-time-in-millis=\"30000\"")
                    .append(" pooling=\"").append(pooling).append("\" match-connections=\"false\"")
                    .append(" is-connection-validation-required=\"false\">\n");
            setup.properties(pool).forEach((k, v) -> xml.append("    <property name=\"").append(Deployments.xml(k))
                    .append("\" value=\"").append(Deployments.xml(v)).append("\"/>\n"));
            xml.append("  </connector-connection-pool>\n");
            xml.append("  <connector-resource jndi-name=\"").append(pool.appJndiName()).append("\" pool-name=\"")
                    .append(poolName).append("\"/>\n");
        }
        ItEnv.Server server = ItEnv.server();
        String referencePool = "java:app/pool/reference-xa";
        xml.append("  <jdbc-connection-pool name=\"").append(referencePool).append("\" res-type=\"javax.sql.XADataSource\"")
                .append(" datasource-classname=\"org.postgresql.xa.PGXADataSource\" steady-pool-size=\"0\"")
                .append(" max-pool-size=\"4\" is-connection-validation-required=\"false\">\n");
        Map<String, String> properties = new java.util.LinkedHashMap<>();
        properties.put("serverName", server.host());
        properties.put("portNumber", Integer.toString(server.port()));
        properties.put("databaseName", TxEndScenarios.referenceDatabase(setup));
        properties.put("user", server.user());
        // Payara insists on a password property; with trust authentication any text will do.
        properties.put("password", server.password().isEmpty() ? "unused-with-trust-auth" : server.password());
        properties.put("applicationName", "pgpool-it-reference");
        properties.forEach((k, v) -> xml.append("    <property name=\"").append(Deployments.xml(k))
                .append("\" value=\"").append(Deployments.xml(v)).append("\"/>\n"));
        xml.append("  </jdbc-connection-pool>\n");
        xml.append("  <jdbc-resource jndi-name=\"").append(TxEndScenarios.REFERENCE_JNDI_NAME).append("\" pool-name=\"")
                .append(referencePool).append("\"/>\n");
        return xml.append("</resources>\n").toString();
    }
}
