package io.github.pgpool.it.wildfly;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.pgpool.it.Deployments;
import io.github.pgpool.it.Http;
import io.github.pgpool.it.Poll;
import io.github.pgpool.it.PostgresRequired;
import io.github.pgpool.it.Setup;
import io.github.pgpool.it.wildfly.telemetry.Otlp;
import io.github.pgpool.it.wildfly.telemetry.TelemetryServlet;
import java.io.File;
import java.net.URL;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.OperateOnDeployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.as.arquillian.api.ServerSetup;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.asset.EmptyAsset;
import org.jboss.shrinkwrap.api.asset.StringAsset;
import org.jboss.shrinkwrap.api.spec.ResourceAdapterArchive;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * pgpool's pool on WildFly's own telemetry: WildFly 39 with its MicroProfile Telemetry subsystem
 * (standalone-microprofile.xml, failsafe execution wildfly-telemetry), an application that registers the pool with
 * the OpenTelemetry instance the server injects, and the server's OTLP exporter sending to a receiver in this test.
 * What arrives must carry the semantic conventions' names, kinds, units and attributes, and the pool's figures.
 */
@Setup.Uses(Setup.WILDFLY)
@ServerSetup(WildFlyPools.class)
@ExtendWith({PostgresRequired.class, ArquillianExtension.class})
@RunAsClient
class WildFlyTelemetryIT {
    private static final Duration SOON = Duration.ofSeconds(60);
    private static final String POOL_NAME = "it-wildfly-basic";
    private static Otlp receiver;

    @Deployment(name = "rar", order = 1, testable = false)
    static ResourceAdapterArchive rar() {
        return Deployments.rar();
    }

    /**
     * The application: the servlet, the binding's jar, a dependency on the deployed adapter (whose PgPool the data
     * source unwraps to), CDI on, and the MicroProfile Config that switches the SDK on and points its metric
     * exporter at this test, every 500 ms, over OTLP/HTTP.
     */
    @Deployment(name = "app", order = 2, testable = false)
    static WebArchive war() {
        String port = System.getProperty("pgpool.it.otlp.port", "0"); // unset outside wildfly-telemetry: skipped
        String binding = System.getProperty("pgpool.it.otel.jar");
        WebArchive war = ShrinkWrap.create(WebArchive.class, "pgpool-it-telemetry.war");
        if (binding == null) { // another execution, without OpenTelemetry: deploy nothing that needs it
            return war.addAsWebResource(new StringAsset("skipped"), "index.html");
        }
        return war.addClass(TelemetryServlet.class).addAsLibrary(new File(binding))
                .addAsWebInfResource(EmptyAsset.INSTANCE, "beans.xml")
                .addAsManifestResource(new StringAsset("Manifest-Version: 1.0\n"
                        + "Dependencies: deployment.pgpool.rar, io.opentelemetry.api\n"), "MANIFEST.MF")
                .addAsResource(new StringAsset(String.join("\n",
                        "otel.sdk.disabled=false",
                        "otel.service.name=pgpool-it",
                        "otel.metrics.exporter=otlp",
                        "otel.traces.exporter=none",
                        "otel.logs.exporter=none",
                        "otel.exporter.otlp.protocol=http/protobuf",
                        "otel.exporter.otlp.endpoint=http://127.0.0.1:" + port,
                        "otel.metric.export.interval=500", "")), "META-INF/microprofile-config.properties");
    }

    @ArquillianResource
    @OperateOnDeployment("app")
    private URL app;

    @BeforeAll
    static void receive() throws Exception {
        Assumptions.assumeTrue(System.getProperty("pgpool.it.otlp.port") != null, "WildFlyTelemetryIT runs in the "
                + "failsafe execution wildfly-telemetry (-Dit.test selected it in another one)");
        receiver = new Otlp(Integer.parseInt(System.getProperty("pgpool.it.otlp.port")));
    }

    @AfterAll
    static void stopReceiving() {
        if (receiver != null) {
            receiver.close();
        }
    }

    private static Optional<Otlp.Point> latest(String name, Map<String, String> attributes) {
        List<Otlp.Metric> all = receiver.metrics();
        for (int i = all.size() - 1; i >= 0; i--) {
            Otlp.Metric m = all.get(i);
            if (m.name().equals(name)) {
                for (Otlp.Point p : m.points()) {
                    if (p.attributes().equals(attributes)) {
                        return Optional.of(p);
                    }
                }
            }
        }
        return Optional.empty();
    }

    private static Map<String, String> pool() {
        return Map.of("db.client.connection.pool.name", POOL_NAME);
    }

    private static Map<String, String> pool(String state) {
        return Map.of("db.client.connection.pool.name", POOL_NAME, "db.client.connection.state", state);
    }

    @Test
    void theServersExporterSendsThePoolsInstrumentsWithTheConventionsNamesUnitsAndFigures() throws Exception {
        Http.Answer registered = Http.get(app, "telemetry/register");
        assertThat(registered.ok()).as("register: %s", registered).isTrue();
        assertThat(registered.get("registered")).isEqualTo(POOL_NAME);

        CompletableFuture<Http.Answer> hold = Http.getAsync(app, "telemetry/hold?n=2&ms=4000");
        try {
            Poll.until("the exporter reports 2 connections used (" + receiver + ")", SOON,
                    () -> latest("db.client.connection.count", pool("used")).map(Otlp.Point::value).orElse(-1.0),
                    v -> v == 2);
        } finally {
            Http.get(app, "telemetry/release"); // the hold ends once the test has seen it, not after a guessed time
        }
        Http.Answer held = hold.get(60, TimeUnit.SECONDS);
        assertThat(held.ok()).as("hold: %s", held).isTrue();
        Poll.until("the exporter reports the two loans in use_time", SOON, () -> latest(
                "db.client.connection.use_time", pool()).map(Otlp.Point::value).orElse(-1.0), v -> v >= 2);

        Map<String, String> expected = Map.of(
                "db.client.connection.count", "UpDownCounter {connection}",
                "db.client.connection.idle.max", "UpDownCounter {connection}",
                "db.client.connection.idle.min", "UpDownCounter {connection}",
                "db.client.connection.max", "UpDownCounter {connection}",
                "db.client.connection.pending_requests", "UpDownCounter {request}",
                "db.client.connection.timeouts", "Counter {timeout}",
                "db.client.connection.create_time", "Histogram s",
                "db.client.connection.wait_time", "Histogram s",
                "db.client.connection.use_time", "Histogram s");
        for (Map.Entry<String, String> e : expected.entrySet()) {
            Otlp.Metric m = receiver.metrics().stream().filter(x -> x.name().equals(e.getKey())).reduce((a, b) -> b)
                    .orElseThrow(() -> new AssertionError("not exported: " + e.getKey()));
            assertThat(m.scope()).isEqualTo("io.github.pgpool");
            assertThat(m.kind() + " " + m.unit()).as(e.getKey()).isEqualTo(e.getValue());
        }
        int maxSize = Integer.parseInt(Setup.setting("basic", "MaxSize"));
        assertThat(latest("db.client.connection.max", pool()).orElseThrow().value()).isEqualTo(maxSize);
        assertThat(latest("db.client.connection.idle.max", pool()).orElseThrow().value()).isEqualTo(maxSize);
        assertThat(latest("db.client.connection.idle.min", pool()).orElseThrow().value()).isZero();
        assertThat(latest("db.client.connection.count", pool("used")).orElseThrow().value()).isZero();
        Otlp.Point use = latest("db.client.connection.use_time", pool()).orElseThrow();
        assertThat(use.sum()).as("two loans of about 4 s, in seconds").isGreaterThan(7).isLessThan(60);
        assertThat(use.bounds()).containsExactly(0.0001, 0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1.0, 5.0, 10.0,
                30.0, 60.0);
    }
}
