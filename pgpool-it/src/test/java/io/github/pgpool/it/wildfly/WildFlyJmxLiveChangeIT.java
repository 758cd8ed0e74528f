package io.github.pgpool.it.wildfly;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.pgpool.it.AdminDb;
import io.github.pgpool.it.Http;
import io.github.pgpool.it.Http.Answer;
import io.github.pgpool.it.Poll;
import io.github.pgpool.it.PostgresRequired;
import io.github.pgpool.it.Setup;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.as.controller.client.helpers.Operations;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The live changes of {@link WildFlyLiveChangeIT} without WildFly's reload: the administrator writes the new value
 * into the configuration ({@code :write-attribute}, which WildFly keeps for the next reload and answers with
 * "reload-required") and applies it to the running pool at once with the pool's MXBean operation
 * {@code changeSetting}, as a JMX client such as jconsole does. Here the requests must not fail at all: no reload
 * interrupts them, and pgpool's succession does the rest, as on Payara.
 */
@ExtendWith({PostgresRequired.class, ArquillianExtension.class})
@RunAsClient
@Setup.Uses(Setup.WILDFLY)
class WildFlyJmxLiveChangeIT extends WildFlyLiveChangeIT {
    /** Each pool's PoolName (the default one, user@host:port/database), which names its MXBean. */
    private final Map<String, String> poolNames = new ConcurrentHashMap<>();

    @Override
    protected String serverName() {
        return "WildFly 39 (over JMX, no reload)";
    }

    @Override
    protected boolean restartsOnChange() {
        return false;
    }

    @Override
    protected void createPool(String pool, Map<String, String> properties) {
        poolNames.put(pool, properties.get("User") + "@" + properties.get("ServerName") + ":"
                + properties.get("PortNumber") + "/" + properties.get("DatabaseName"));
        super.createPool(pool, properties);
    }

    @Override
    protected void changeProperty(String pool, String property, String value) {
        try {
            // For the next reload; until then WildFly runs the adapter as it was activated.
            WildFlyPools.executeOrFail(management(),
                    Operations.createWriteAttributeOperation(property(pool, property), "value", value));
        } catch (Exception e) {
            throw new IllegalStateException("cannot write " + property + " of the WildFly pool " + pool, e);
        }
        Answer a = Http.get(app(), "live/change?pool=" + encode(poolNames.get(pool)) + "&name=" + encode(property)
                + "&value=" + encode(value));
        assertThat(a.ok()).as("changeSetting over JMX: %s", a).isTrue();
    }

    /**
     * Removing the pool must close the pool that the JMX change made too, which the adapter's registry never saw:
     * no backend of it may be left (they were, before a replaced pool's close reached its successor).
     */
    @Override
    protected void deletePool(String pool) {
        super.deletePool(pool);
        String poolName = poolNames.get(pool);
        if (poolName != null) {
            String database = poolName.substring(poolName.lastIndexOf('/') + 1);
            Poll.until("no backend of " + pool + " left once it is removed", Duration.ofSeconds(30),
                    () -> AdminDb.backends(database), n -> n == 0);
        }
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
