package io.github.pgpool.it.payara;

import io.github.pgpool.it.Deployments;
import io.github.pgpool.it.Setup;
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
        return xml.append("</resources>\n").toString();
    }
}
