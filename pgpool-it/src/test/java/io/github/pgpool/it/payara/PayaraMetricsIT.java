package io.github.pgpool.it.payara;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.pgpool.it.Deployments;
import io.github.pgpool.it.Http;
import io.github.pgpool.it.Poll;
import io.github.pgpool.it.PostgresRequired;
import io.github.pgpool.it.Scrape;
import io.github.pgpool.it.Setup;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.Deployer;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.asset.StringAsset;
import org.jboss.shrinkwrap.api.spec.ResourceAdapterArchive;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * pgpool's figures on Payara's own metrics endpoint ({@code /metrics}), published by the documented metrics.xml
 * (pgpool-rar/src/main/payara/metrics.xml, copied into the embedded server's config directory by the build): the
 * test scrapes the running server while requests hold every connection of a pool and one more waits, and finds
 * the db.client.connection.* gauges with the values the load implies, then again after the load.
 */
@Setup.Uses(Setup.PAYARA_POOLED)
@ExtendWith({PostgresRequired.class, ArquillianExtension.class})
@RunAsClient
class PayaraMetricsIT {
    private static final Duration SOON = Duration.ofSeconds(30);
    private static final String POOL = "basic";

    /** An empty web application: embedded Payara serves /metrics once a web application is deployed. */
    @Deployment(name = "probe", order = 0, testable = false, managed = false)
    static WebArchive probe() {
        return ShrinkWrap.create(WebArchive.class, "pgpool-it-metrics-probe.war")
                .addAsWebResource(new StringAsset("probe"), "index.html");
    }

    /**
     * Deployed by the test ({@code managed = false}), after it has taken config/metrics.xml away again: Payara 6
     * (6.2024.8 here, 6.2025.10 alike) refuses to deploy a standalone .rar while that file exists (its metrics
     * sniffer then claims every archive, and a connector must be claimed alone). The metrics service read the file
     * when the server started, which is all it needs; operators deploy the adapter first, then add the file and
     * restart (README).
     */
    @Deployment(name = "rar", order = 1, testable = false, managed = false)
    static ResourceAdapterArchive rar() {
        return Deployments.rar();
    }

    @Deployment(name = "app", order = 2, testable = false, managed = false)
    static WebArchive war() {
        return PayaraDeployments.war(Setup.PAYARA_POOLED, "pgpool-it-metrics.war");
    }

    @ArquillianResource
    private Deployer deployer;

    private URL server;
    private URL app;

    private static URL url(String text) {
        try {
            return new URL(text);
        } catch (java.net.MalformedURLException e) {
            throw new IllegalStateException(e);
        }
    }

    private Scrape scrape() {
        return Scrape.of(java.net.URI.create(server + "metrics"));
    }

    @BeforeEach
    void deploy() throws Exception {
        String instance = System.getProperty("pgpool.it.payara.instance");
        Assumptions.assumeTrue(instance != null, "PayaraMetricsIT runs in the failsafe execution payara-metrics, "
                + "whose server has pgpool's metrics.xml (-Dit.test selected it in another one)");
        server = url("http://127.0.0.1:" + System.getProperty("pgpool.it.payara.http.port") + "/");
        app = url(server + "pgpool-it-metrics/");
        Path metricsXml = Path.of(instance, "config", "metrics.xml");
        assertThat(metricsXml).as("the build put pgpool's metrics.xml into the instance").exists();
        // Payara's metrics service reads metrics.xml once, when it starts: at the first scrape in embedded Payara,
        // which serves /metrics once a web application is deployed.
        deployer.deploy("probe");
        assertThat(scrape().find("classloader_loadedClasses_total", Map.of())).as("Payara's own metrics").isNotEmpty();
        Files.delete(metricsXml);
        deployer.deploy("rar");
        deployer.deploy("app");
    }

    @AfterEach
    void undeploy() {
        if (server == null) {
            return; // skipped: nothing deployed
        }
        deployer.undeploy("app");
        deployer.undeploy("rar");
        deployer.undeploy("probe");
    }

    /** The pool's name as the series carry it: quoted, as in the MXBean's ObjectName. */
    private static Map<String, String> pool() {
        return Map.of("db_client_connection_pool_name", "\"it-payara_pooled-" + POOL + "\"");
    }

    private static Map<String, String> pool(String state) {
        return Map.of("db_client_connection_pool_name", "\"it-payara_pooled-" + POOL + "\"",
                "db_client_connection_state", state);
    }

    private static double value(Scrape s, String name, Map<String, String> labels) {
        return s.value(name, labels).orElseThrow(() -> new AssertionError("no " + name + labels + " on /metrics; "
                + "pgpool's lines:\n" + s.linesWith("db_client_connection")));
    }

    @Test
    void gaugesShowTheLoadWhileItRunsAndAfter() throws Exception {
        int maxSize = Integer.parseInt(Setup.setting(POOL, "MaxSize"));
        Http.Answer first = Http.get(app, "pool/query?ds=" + POOL); // the pool and its MXBean exist from now on
        assertThat(first.ok()).as("first request: %s", first).isTrue();
        Scrape before = Poll.until("pgpool's series on /metrics", SOON, this::scrape,
                s -> s.value("db_client_connection_max", pool()).isPresent());
        assertThat(value(before, "db_client_connection_max", pool())).isEqualTo(maxSize);
        assertThat(value(before, "db_client_connection_idle_max", pool())).isEqualTo(maxSize);
        assertThat(value(before, "db_client_connection_idle_min", pool())).isZero();
        double waitsBefore = value(before, "db_client_connection_wait_time_seconds_count", pool());
        double timeoutsBefore = value(before, "db_client_connection_timeouts_total", pool());

        String gate = "metrics-" + UUID.randomUUID();
        List<CompletableFuture<Http.Answer>> load = new ArrayList<>();
        try {
            for (int i = 0; i < maxSize; i++) { // every connection held...
                load.add(Http.getAsync(app, "pool/hold?ds=" + POOL + "&gate=" + gate));
            }
            Scrape full = Poll.until("all " + maxSize + " connections used", SOON, this::scrape,
                    s -> s.value("db_client_connection_count", pool("used")).orElse(-1) == maxSize);
            assertThat(value(full, "db_client_connection_count", pool("idle"))).isZero();
            // ...and one more request waits for one (within the pool's MaxWait of 5 s: the gates open right after).
            // A gate of its own: it reaches its gate after the others have passed theirs (Gates are one-shot).
            load.add(Http.getAsync(app, "pool/hold?ds=" + POOL + "&gate=" + gate + "-late"));
            Poll.until("one request pending", SOON, this::scrape,
                    s -> s.value("db_client_connection_pending_requests", pool()).orElse(-1) == 1);
        } finally {
            Http.get(app, "pool/open?gate=" + gate + "-late");
            Http.get(app, "pool/open?gate=" + gate);
        }
        for (CompletableFuture<Http.Answer> request : load) {
            Http.Answer answer = request.get(60, TimeUnit.SECONDS);
            assertThat(answer.ok()).as("held request: %s", answer).isTrue();
        }

        Scrape after = Poll.until("the load's borrows counted and nothing used", SOON, this::scrape,
                s -> s.value("db_client_connection_count", pool("used")).orElse(-1) == 0
                        && s.value("db_client_connection_pending_requests", pool()).orElse(-1) == 0
                        && s.value("db_client_connection_wait_time_seconds_count", pool()).orElse(-1)
                                >= waitsBefore + maxSize + 1);
        assertThat(value(after, "db_client_connection_timeouts_total", pool())).isEqualTo(timeoutsBefore);
        assertThat(value(after, "db_client_connection_wait_time_seconds_sum", pool()))
                .as("the request that waited for a connection waited a while: seconds, not nanoseconds")
                .isGreaterThan(0).isLessThan(60);
        assertThat(value(after, "db_client_connection_use_time_seconds_count", pool()))
                .isGreaterThanOrEqualTo(maxSize + 1);
    }
}
