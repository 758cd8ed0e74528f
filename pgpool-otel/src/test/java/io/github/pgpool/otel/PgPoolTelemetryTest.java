package io.github.pgpool.otel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.pgpool.api.PoolTimeoutException;
import io.github.pgpool.core.PgPool;
import io.github.pgpool.core.PooledConnection;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.HistogramPointData;
import io.opentelemetry.sdk.metrics.data.LongPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.data.MetricDataType;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The binding against a real pool on PostgreSQL, read with the SDK's in-memory reader, checked against the semantic
 * conventions for database client connection pools as they are written there (the strings below are copied from
 * the conventions' tables on purpose, not taken from the binding's constants): name, instrument kind, unit,
 * attributes, and the values the pool had.
 */
class PgPoolTelemetryTest {
    private static final AttributeKey<String> POOL_NAME = AttributeKey.stringKey("db.client.connection.pool.name");
    private static final AttributeKey<String> STATE = AttributeKey.stringKey("db.client.connection.state");
    /** Metric name -> instrument kind and unit, from the conventions. */
    private static final Map<String, String> CONVENTIONS = Map.of(
            "db.client.connection.count", "UpDownCounter {connection}",
            "db.client.connection.idle.max", "UpDownCounter {connection}",
            "db.client.connection.idle.min", "UpDownCounter {connection}",
            "db.client.connection.max", "UpDownCounter {connection}",
            "db.client.connection.pending_requests", "UpDownCounter {request}",
            "db.client.connection.timeouts", "Counter {timeout}",
            "db.client.connection.create_time", "Histogram s",
            "db.client.connection.wait_time", "Histogram s",
            "db.client.connection.use_time", "Histogram s");

    private final InMemoryMetricReader reader = InMemoryMetricReader.create();
    private final OpenTelemetrySdk otel = OpenTelemetrySdk.builder()
            .setMeterProvider(SdkMeterProvider.builder().registerMetricReader(reader).build()).build();
    private PgPool pool;

    @AfterEach
    void close() {
        if (pool != null) {
            pool.close();
        }
        otel.close();
    }

    private Map<String, MetricData> collect() {
        return reader.collectAllMetrics().stream()
                .filter(m -> m.getInstrumentationScopeInfo().getName().equals("io.github.pgpool"))
                .collect(Collectors.toMap(MetricData::getName, m -> m));
    }

    private static String kind(MetricData m) {
        if (m.getType() == MetricDataType.HISTOGRAM) {
            return "Histogram";
        }
        if (m.getType() == MetricDataType.LONG_SUM) {
            return m.getLongSumData().isMonotonic() ? "Counter" : "UpDownCounter";
        }
        return m.getType().toString();
    }

    private static long value(MetricData m, Attributes attributes) {
        Collection<LongPointData> points = m.getLongSumData().getPoints();
        return points.stream().filter(p -> p.getAttributes().equals(attributes)).findFirst()
                .orElseThrow(() -> new AssertionError(m.getName() + " has no point with " + attributes + ": " + points))
                .getValue();
    }

    private static HistogramPointData histogram(MetricData m) {
        assertThat(m.getHistogramData().getPoints()).hasSize(1);
        return m.getHistogramData().getPoints().iterator().next();
    }

    @Test
    void everyInstrumentHasTheConventionsNameKindUnitAttributesAndThePoolsFigures() throws Exception {
        pool = PgPool.start(Postgres.settings("otel-figures").maxSize(3).build());
        PgPoolTelemetry.register(otel, pool);
        Attributes named = Attributes.of(POOL_NAME, "otel-figures");

        PooledConnection a = pool.borrow();
        PooledConnection b = pool.borrow();
        PooledConnection c = pool.borrow();
        try (Statement s = c.connection().createStatement(); ResultSet rs = s.executeQuery("SELECT pg_sleep(0.1)")) {
            rs.next();
        }
        c.release();

        Map<String, MetricData> metrics = collect();
        assertThat(metrics.keySet()).containsExactlyInAnyOrderElementsOf(CONVENTIONS.keySet());
        for (MetricData m : metrics.values()) {
            assertThat(kind(m) + " " + m.getUnit()).as(m.getName()).isEqualTo(CONVENTIONS.get(m.getName()));
            assertThat(m.getDescription()).as(m.getName()).isNotBlank();
        }
        MetricData count = metrics.get("db.client.connection.count");
        assertThat(count.getLongSumData().getPoints()).extracting(LongPointData::getAttributes)
                .containsExactlyInAnyOrder(Attributes.of(POOL_NAME, "otel-figures", STATE, "used"),
                        Attributes.of(POOL_NAME, "otel-figures", STATE, "idle"));
        assertThat(value(count, Attributes.of(POOL_NAME, "otel-figures", STATE, "used"))).isEqualTo(2);
        assertThat(value(count, Attributes.of(POOL_NAME, "otel-figures", STATE, "idle"))).isEqualTo(1);
        assertThat(value(metrics.get("db.client.connection.max"), named)).isEqualTo(3);
        assertThat(value(metrics.get("db.client.connection.idle.max"), named)).isEqualTo(3);
        assertThat(value(metrics.get("db.client.connection.idle.min"), named)).isZero();
        assertThat(value(metrics.get("db.client.connection.pending_requests"), named)).isZero();
        assertThat(value(metrics.get("db.client.connection.timeouts"), named)).isZero();

        HistogramPointData create = histogram(metrics.get("db.client.connection.create_time"));
        assertThat(create.getAttributes()).isEqualTo(named);
        assertThat(create.getCount()).as("three connections opened").isEqualTo(3);
        assertThat(create.getSum()).as("seconds, not nanoseconds").isGreaterThan(0).isLessThan(30);
        assertThat(create.getBoundaries()).containsExactly(0.0001, 0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1.0,
                5.0, 10.0, 30.0, 60.0);
        HistogramPointData wait = histogram(metrics.get("db.client.connection.wait_time"));
        assertThat(wait.getCount()).isEqualTo(3);
        assertThat(wait.getSum()).as("each borrower waited for its connect, at least the connect").isGreaterThanOrEqualTo(
                create.getSum() * 0.99).isLessThan(30);
        HistogramPointData use = histogram(metrics.get("db.client.connection.use_time"));
        assertThat(use.getCount()).as("one connection came back").isEqualTo(1);
        assertThat(use.getSum()).as("it ran pg_sleep(0.1); the coarse clock may lag a few ms")
                .isGreaterThan(0.09).isLessThan(10);

        a.release();
        b.release();
        Map<String, MetricData> after = collect();
        assertThat(value(after.get("db.client.connection.count"), Attributes.of(POOL_NAME, "otel-figures", STATE,
                "idle"))).isEqualTo(3);
        assertThat(value(after.get("db.client.connection.count"), Attributes.of(POOL_NAME, "otel-figures", STATE,
                "used"))).isZero();
        assertThat(histogram(after.get("db.client.connection.use_time")).getCount()).isEqualTo(3);
    }

    @Test
    void pendingRequestsWhileABorrowerWaitsThenATimeout() throws Exception {
        pool = PgPool.start(Postgres.settings("otel-timeouts").maxSize(1).maxWait(Duration.ofMillis(800)).build());
        PgPoolTelemetry.register(otel, pool);
        Attributes named = Attributes.of(POOL_NAME, "otel-timeouts");
        PooledConnection held = pool.borrow();
        CompletableFuture<Throwable> late = CompletableFuture.supplyAsync(() -> {
            try {
                pool.borrow().release();
                return null;
            } catch (Throwable e) {
                return e;
            }
        });
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        long pending = 0;
        while (!late.isDone() && System.nanoTime() < deadline && pending == 0) {
            pending = value(collect().get("db.client.connection.pending_requests"), named);
        }
        assertThat(pending).as("the second borrower was seen waiting before MaxWait ran out").isEqualTo(1);
        assertThat(late.get(10, TimeUnit.SECONDS)).isInstanceOf(PoolTimeoutException.class);
        Map<String, MetricData> metrics = collect();
        assertThat(value(metrics.get("db.client.connection.timeouts"), named)).isEqualTo(1);
        assertThat(value(metrics.get("db.client.connection.pending_requests"), named)).isZero();
        held.release();
    }

    @Test
    void closingTheRegistrationOrThePoolEndsItsSeries() throws Exception {
        pool = PgPool.start(Postgres.settings("otel-close").maxSize(2).build());
        PgPool other = PgPool.start(Postgres.settings("otel-other").maxSize(2).build());
        try {
            PgPoolTelemetry.Registration registration = PgPoolTelemetry.register(otel, pool);
            PgPoolTelemetry.register(otel, other);
            pool.borrow().release();
            other.borrow().release();
            List<String> names = collect().get("db.client.connection.max").getLongSumData().getPoints().stream()
                    .map(p -> p.getAttributes().get(POOL_NAME)).collect(Collectors.toList());
            assertThat(names).containsExactlyInAnyOrder("otel-close", "otel-other");

            registration.close();
            registration.close();
            pool.borrow().release();
            Map<String, MetricData> metrics = collect();
            assertThat(metrics.get("db.client.connection.max").getLongSumData().getPoints())
                    .extracting(p -> p.getAttributes().get(POOL_NAME)).containsExactly("otel-other");
            HistogramPointData closedUse = metrics.get("db.client.connection.use_time").getHistogramData().getPoints()
                    .stream().filter(p -> "otel-close".equals(p.getAttributes().get(POOL_NAME))).findFirst()
                    .orElseThrow();
            assertThat(closedUse.getCount()).as("nothing recorded after close").isEqualTo(1);

            other.close();
            assertThat(collect().get("db.client.connection.max")).as("a closed pool reports no figures").isNull();
        } finally {
            other.close();
        }
    }

    @Test
    void theEngineHistogramsStayOffWhenOnlyOpenTelemetryReads() throws Exception {
        pool = PgPool.start(Postgres.settings("otel-engine-off").maxSize(1).build());
        PgPoolTelemetry.register(otel, pool);
        pool.borrow().release();
        collect();
        assertThat(pool.metrics().recording()).as("OpenTelemetry keeps its own histograms").isFalse();
    }

    @Test
    void refusesNulls() {
        assertThatThrownBy(() -> PgPoolTelemetry.register(otel, null)).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("pool");
    }
}
