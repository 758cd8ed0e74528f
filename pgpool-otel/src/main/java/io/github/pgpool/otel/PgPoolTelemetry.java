package io.github.pgpool.otel;

import static io.github.pgpool.otel.Conventions.POOL_NAME;
import static io.github.pgpool.otel.Conventions.STATE;

import io.github.pgpool.api.HistogramSnapshot;
import io.github.pgpool.api.PoolStatistics;
import io.github.pgpool.api.PoolTimingListener;
import io.github.pgpool.core.PgPool;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.BatchCallback;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.DoubleHistogramBuilder;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.metrics.MeterBuilder;
import io.opentelemetry.api.metrics.ObservableLongMeasurement;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Publishes a pool's figures as OpenTelemetry metrics named as the semantic conventions for database client
 * connection pools say ({@code db.client.connection.*}, attribute {@code db.client.connection.pool.name} = the pool's
 * name), on the {@link OpenTelemetry} instance the caller provides: the application's own in Java SE, the one the
 * server injects ({@code @Inject OpenTelemetry}) inside Payara or WildFly.
 *
 * <pre>{@code
 * PgPoolTelemetry.Registration r = PgPoolTelemetry.register(openTelemetry, pool); // pool: ds.unwrap(PgPool.class)
 * ...
 * r.close(); // or let the pool close: a closed pool reports nothing
 * }</pre>
 *
 * <p>The counts, limits and timeouts are read when the SDK collects (one {@link PgPool#statistics()} per collection
 * for all of them); the three durations are recorded as they happen through a {@link PoolTimingListener}, into
 * histograms with pgpool's bucket bounds as advice ({@link HistogramSnapshot#DEFAULT_BOUNDS}). {@code idle.min} is
 * 0 and {@code idle.max} is MaxSize: pgpool keeps no idle connections of its own accord, and any of its connections
 * may be idle (see {@link io.github.pgpool.api.PoolMetricsSnapshot}).
 *
 * <p>Thread-safe and stateless; each registration holds its own instruments' callback and listener.
 */
public final class PgPoolTelemetry {
    /** The instrumentation scope (meter) name. */
    public static final String SCOPE = "io.github.pgpool";

    private PgPoolTelemetry() {
    }

    /**
     * Registers the pool's instruments with {@code openTelemetry}'s meter provider.
     *
     * @return the registration; {@link Registration#close()} removes the instruments' callback and stops recording
     */
    public static Registration register(OpenTelemetry openTelemetry, PgPool pool) {
        Objects.requireNonNull(openTelemetry, "openTelemetry");
        Objects.requireNonNull(pool, "pool");
        MeterBuilder builder = openTelemetry.getMeterProvider().meterBuilder(SCOPE);
        String version = PgPoolTelemetry.class.getPackage().getImplementationVersion();
        if (version != null) {
            builder.setInstrumentationVersion(version);
        }
        Meter meter = builder.build();
        Attributes poolAttributes = Attributes.of(POOL_NAME, pool.name());
        Attributes used = Attributes.of(POOL_NAME, pool.name(), STATE, Conventions.STATE_USED);
        Attributes idle = Attributes.of(POOL_NAME, pool.name(), STATE, Conventions.STATE_IDLE);

        ObservableLongMeasurement count = upDown(meter, Conventions.COUNT, Conventions.UNIT_CONNECTION,
                "The number of connections that are currently in state described by the state "
                        + "attribute");
        ObservableLongMeasurement idleMax = upDown(meter, Conventions.IDLE_MAX, Conventions.UNIT_CONNECTION,
                "The maximum number of idle open connections allowed");
        ObservableLongMeasurement idleMin = upDown(meter, Conventions.IDLE_MIN, Conventions.UNIT_CONNECTION,
                "The minimum number of idle open connections allowed");
        ObservableLongMeasurement max = upDown(meter, Conventions.MAX, Conventions.UNIT_CONNECTION,
                "The maximum number of open connections allowed");
        ObservableLongMeasurement pending = upDown(meter, Conventions.PENDING_REQUESTS, Conventions.UNIT_REQUEST,
                "The number of current pending requests for an open connection");
        ObservableLongMeasurement timeouts = meter.counterBuilder(Conventions.TIMEOUTS)
                .setUnit(Conventions.UNIT_TIMEOUT)
                .setDescription("The number of connection timeouts that have occurred trying to obtain a "
                        + "connection from the pool").buildObserver();
        BatchCallback callback = meter.batchCallback(() -> {
            if (pool.isClosed()) {
                return; // its series end with it
            }
            PoolStatistics s = pool.statistics(); // one consistent snapshot for every figure of this collection
            count.record(s.active(), used);
            count.record(s.idle(), idle);
            idleMax.record(s.maxSize(), poolAttributes); // every connection may be idle
            idleMin.record(0, poolAttributes); // pgpool keeps none: it starts empty and Cleanup empties it
            max.record(s.maxSize(), poolAttributes);
            pending.record(s.waiting(), poolAttributes);
            timeouts.record(s.timeouts(), poolAttributes);
        }, count, idleMax, idleMin, max, pending, timeouts);

        Timings timings = new Timings(poolAttributes,
                histogram(meter, Conventions.CREATE_TIME, "The time it took to create a new connection"),
                histogram(meter, Conventions.WAIT_TIME, "The time it took to obtain an open connection from the pool"),
                histogram(meter, Conventions.USE_TIME,
                        "The time between borrowing a connection and returning it to the pool"));
        pool.addTimingListener(timings);
        return new Registration(pool, callback, timings);
    }

    private static DoubleHistogram histogram(Meter meter, String name, String description) {
        DoubleHistogramBuilder b = meter.histogramBuilder(name).setUnit(Conventions.UNIT_SECONDS)
                .setDescription(description);
        List<Double> bounds = new ArrayList<>();
        for (double bound : HistogramSnapshot.DEFAULT_BOUNDS) {
            bounds.add(bound);
        }
        try {
            b = b.setExplicitBucketBoundariesAdvice(bounds);
        } catch (NoSuchMethodError olderApi) {
            // API before 1.32 has no advice: the SDK's default buckets (or the application's view) apply.
        }
        return b.build();
    }

    /** One pool's registration with one OpenTelemetry instance. Thread-safe; closing twice does nothing more. */
    public static final class Registration implements AutoCloseable {
        private final PgPool pool;
        private final BatchCallback callback;
        private final PoolTimingListener timings;

        private Registration(PgPool pool, BatchCallback callback, PoolTimingListener timings) {
            this.pool = pool;
            this.callback = callback;
            this.timings = timings;
        }

        /** Removes the instruments' callback and stops recording durations for this pool. */
        @Override
        public void close() {
            pool.removeTimingListener(timings);
            callback.close();
        }
    }

    /** Records the pool's durations, in seconds, into the three histograms. Lock-free, allocation-free. */
    private static final class Timings implements PoolTimingListener {
        private final Attributes attributes;
        private final DoubleHistogram createTime;
        private final DoubleHistogram waitTime;
        private final DoubleHistogram useTime;

        Timings(Attributes attributes, DoubleHistogram createTime, DoubleHistogram waitTime,
                DoubleHistogram useTime) {
            this.attributes = attributes;
            this.createTime = createTime;
            this.waitTime = waitTime;
            this.useTime = useTime;
        }

        @Override
        public void connectionCreated(long nanos) {
            createTime.record(nanos / 1e9, attributes);
        }

        @Override
        public void waited(long nanos) {
            waitTime.record(nanos / 1e9, attributes);
        }

        @Override
        public void used(long nanos) {
            useTime.record(nanos / 1e9, attributes);
        }
    }

    /** An up-down counter reported by the batch callback: every gauge of the conventions is one. */
    private static ObservableLongMeasurement upDown(Meter meter, String name, String unit, String description) {
        return meter.upDownCounterBuilder(name).setUnit(unit).setDescription(description).buildObserver();
    }
}
