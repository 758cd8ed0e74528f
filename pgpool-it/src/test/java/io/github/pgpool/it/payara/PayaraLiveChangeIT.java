package io.github.pgpool.it.payara;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.pgpool.it.Deployments;
import io.github.pgpool.it.Http;
import io.github.pgpool.it.Http.Answer;
import io.github.pgpool.it.LiveChangeScenarios;
import io.github.pgpool.it.PostgresRequired;
import io.github.pgpool.it.Setup;
import java.net.URL;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.StringJoiner;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.OperateOnDeployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.asset.StringAsset;
import org.jboss.shrinkwrap.api.spec.ResourceAdapterArchive;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Live changes on embedded Payara 6, the way the README tells administrators: a server pool made with
 * {@code asadmin create-connector-connection-pool} (Payara's own pooling on, as by default), changed with
 * {@code asadmin set resources.connector-connection-pool.P.property.K=V}. Payara then kills its pool (destroying the
 * managed connections) and creates a new managed connection factory with the new properties, whose pgpool pool
 * succeeds the old one.
 */
@ExtendWith({PostgresRequired.class, ArquillianExtension.class})
@RunAsClient
@Setup.Uses(Setup.PAYARA_POOLED)
class PayaraLiveChangeIT extends LiveChangeScenarios {
    @Deployment(name = "rar", order = 1, testable = false)
    static ResourceAdapterArchive rar() {
        return Deployments.rar();
    }

    @Deployment(name = "app", order = 2, testable = false)
    static WebArchive war() {
        WebArchive war = Deployments.liveWar("pgpool-it-live.war");
        war.addAsWebInfResource(new StringAsset("""
                <?xml version="1.0" encoding="UTF-8"?>
                <!DOCTYPE glassfish-web-app PUBLIC "-//GlassFish.org//DTD GlassFish Application Server 3.1 Servlet 3.0//EN" "http://glassfish.org/dtds/glassfish-web-app_3_0-1.dtd">
                <glassfish-web-app>
                  <class-loader delegate="false"/>
                </glassfish-web-app>
                """), "glassfish-web.xml");
        return war;
    }

    @ArquillianResource
    @OperateOnDeployment("app")
    private URL url;

    @Override
    protected URL app() {
        return url;
    }

    @Override
    protected String serverName() {
        return "Payara 6 embedded";
    }

    @Override
    protected String jndi(String pool) {
        return "jdbc/" + pool;
    }

    @Override
    protected void createPool(String pool, Map<String, String> properties) {
        deletePool(pool); // a leftover of an interrupted run
        StringJoiner p = new StringJoiner(":");
        properties.forEach((k, v) -> p.add(k + "=" + v.replace("\\", "\\\\").replace(":", "\\:")
                .replace("=", "\\=")));
        expectSuccess(admin("create-connector-connection-pool", "--raname", "pgpool", "--connectiondefinition",
                "javax.sql.DataSource", "--transactionsupport", "XATransaction", "--steadypoolsize", "0",
                "--maxpoolsize", "200", "--matchconnections", "false", "--property", p.toString(), pool));
        expectSuccess(admin("create-connector-resource", "--poolname", pool, jndi(pool)));
    }

    @Override
    protected void changeProperty(String pool, String property, String value) {
        expectSuccess(admin("set", "resources.connector-connection-pool." + pool + ".property." + property + "="
                + value));
    }

    @Override
    protected void deletePool(String pool) {
        admin("delete-connector-connection-pool", "--cascade", "true", pool);
    }

    private static void expectSuccess(Answer answer) {
        assertThat(answer.get("exit")).as("asadmin: %s", answer).isEqualTo("SUCCESS");
    }

    private Answer admin(String command, String... args) {
        StringBuilder query = new StringBuilder("admin/run?cmd=").append(command);
        for (String arg : args) {
            query.append("&arg=").append(URLEncoder.encode(arg, StandardCharsets.UTF_8));
        }
        Answer answer = Http.get(url, query.toString());
        assertThat(answer.ok()).as("asadmin %s: %s", command, answer).isTrue();
        return answer;
    }
}
