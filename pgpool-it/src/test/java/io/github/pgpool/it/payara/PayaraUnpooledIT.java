package io.github.pgpool.it.payara;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.pgpool.it.Deployments;
import io.github.pgpool.it.Http.Answer;
import io.github.pgpool.it.ItEnv;
import io.github.pgpool.it.PoolScenarios;
import io.github.pgpool.it.Setup;
import java.net.URL;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.OperateOnDeployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.ResourceAdapterArchive;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.Timeout;

/** The scenario suite in embedded Payara 6, with Payara's pooling switched off (pooling=false, match-connections=false). */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
@Setup.Uses(Setup.PAYARA_UNPOOLED)
class PayaraUnpooledIT extends PoolScenarios {
    @Deployment(name = "rar", order = 1, testable = false)
    static ResourceAdapterArchive rar() {
        return Deployments.rar();
    }

    @Deployment(name = "app", order = 2, testable = false)
    static WebArchive war() {
        return PayaraDeployments.war(Setup.PAYARA_UNPOOLED, "pgpool-it-unpooled.war");
    }

    @ArquillianResource
    @OperateOnDeployment("app")
    private URL url;

    @Override
    protected URL app() {
        return url;
    }

    /**
     * A pool with an invalid setting, created while the server runs (asadmin through the test application): using
     * it fails with pgpool's message naming the setting, the value and the rule, while the server keeps running and
     * the other pools keep serving. Payara only: on WildFly a new connection definition on an active adapter needs
     * a reload. Once is enough (the pool is a server resource, independent of the WAR's pooling setting). The server
     * creates the managed connection factory, and so meets the invalid setting, when the pool is first pinged or
     * used; the ping is that moment here.
     */
    @Test
    @Timeout(120)
    void invalidSettingIsRejectedWithPgpoolsMessageWhileTheServerServes() {
        ItEnv.Server server = ItEnv.server();
        Map<String, String> expected = Map.of(
                "MaxSize=0", "MaxSize=0 is invalid: must be a whole number from 1 to 100000",
                "MaxWait=abc", "MaxWait=abc is invalid: not a duration; write seconds as a plain number (10, 1.5) or use"
                        + " a unit: 500ms, 2s, 5m, 1h");
        for (Map.Entry<String, String> bad : expected.entrySet()) {
            String pool = "pgpool-it-bad-" + bad.getKey().substring(0, bad.getKey().indexOf('=')).toLowerCase();
            String properties = "ServerName=" + server.host().replace(":", "\\:") + ":PortNumber="
                    + server.port() + ":DatabaseName=" + db("basic") + ":User=" + server.user() + ":" + bad.getKey();
            try {
                Answer created = admin("create-connector-connection-pool", "--raname", "pgpool",
                        "--connectiondefinition", "javax.sql.DataSource", "--transactionsupport", "XATransaction",
                        "--pooling", "false", "--matchconnections", "false", "--property", properties, pool);
                assertThat(created.get("exit")).as("create the pool: %s", created).isEqualTo("SUCCESS");
                Answer ping = admin("ping-connection-pool", pool);
                System.out.println("pgpool-it faults " + setup + ": ping of a pool with " + bad.getKey() + ": " + ping);
                assertThat(ping.get("exit")).as("ping with %s: %s", bad.getKey(), ping).isEqualTo("FAILURE");
                assertThat(ping.get("output") + " " + ping.get("failure")).as("ping with %s", bad.getKey())
                        .contains(bad.getValue());
                assertThat(ok("pool/query?ds=basic").get("who")).as("another pool meanwhile")
                        .startsWith(db("basic") + "/");
            } finally {
                admin("delete-connector-connection-pool", "--cascade", "true", pool);
            }
        }
        assertThat(ok("pool/query?ds=basic").get("who")).as("the server after the bad pools")
                .startsWith(db("basic") + "/");
    }

    private Answer admin(String command, String... args) {
        StringBuilder query = new StringBuilder("admin/run?cmd=").append(command);
        for (String arg : args) {
            query.append("&arg=").append(URLEncoder.encode(arg, StandardCharsets.UTF_8));
        }
        Answer answer = get(query.toString());
        assertThat(answer.ok()).as("asadmin %s: %s", command, answer).isTrue();
        return answer;
    }
}
