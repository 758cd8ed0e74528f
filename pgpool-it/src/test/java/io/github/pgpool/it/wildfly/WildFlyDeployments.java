package io.github.pgpool.it.wildfly;

import io.github.pgpool.it.Deployments;
import io.github.pgpool.it.Setup;
import io.github.pgpool.it.TxEndScenarios;
import java.util.Map;
import org.jboss.shrinkwrap.api.asset.StringAsset;
import org.jboss.shrinkwrap.api.spec.WebArchive;

/**
 * The WildFly variant of the test WAR. The pools live in the server (see {@link WildFlyPools}) under global names;
 * web.xml gives each one the application name the code looks up (java:app/pgpool/...), so the same
 * {@code @Resource(lookup = ...)} works on both servers.
 */
final class WildFlyDeployments {
    private WildFlyDeployments() {
    }

    static WebArchive war(String name) {
        WebArchive war = Deployments.war(name, WildFlyPools.globalJndiName(Setup.pool("jpa")), Map.of());
        StringBuilder refs = new StringBuilder();
        for (Setup.Pool pool : Setup.POOLS) {
            refs.append("""
                      <resource-ref>
                        <res-ref-name>%s</res-ref-name>
                        <res-type>javax.sql.DataSource</res-type>
                        <lookup-name>%s</lookup-name>
                      </resource-ref>
                    """.formatted(pool.appJndiName(), WildFlyPools.globalJndiName(pool)));
        }
        refs.append("""
                  <resource-ref>
                    <res-ref-name>%s</res-ref-name>
                    <res-type>javax.sql.DataSource</res-type>
                    <lookup-name>%s</lookup-name>
                  </resource-ref>
                """.formatted(TxEndScenarios.REFERENCE_JNDI_NAME, WildFlyReferenceDataSource.JNDI_NAME));
        war.setWebXML(new StringAsset("""
                <?xml version="1.0" encoding="UTF-8"?>
                <web-app xmlns="https://jakarta.ee/xml/ns/jakartaee" version="6.0">
                %s</web-app>
                """.formatted(refs)));
        return war;
    }
}
