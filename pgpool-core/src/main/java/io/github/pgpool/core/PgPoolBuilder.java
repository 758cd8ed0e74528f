package io.github.pgpool.core;

import io.github.pgpool.api.PoolListener;
import io.github.pgpool.api.PoolSettings;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;

/**
 * Builds a {@link PgPool} ({@link PgPool#builder}); everything but the settings has a production default: pgjdbc
 * connections, the system clock, a housekeeping daemon thread, no listener, JMX on. Not thread-safe; use it on one
 * thread, then share the pool.
 */
public final class PgPoolBuilder {
    /** The largest jitter, in percent of Expires. */
    public static final double EXPIRY_JITTER_PERCENT = ConnectionHealth.EXPIRY_JITTER * 100;

    private final PoolSettings settings;
    private ConnectionFactory factory;
    private PoolClock clock = PoolClock.SYSTEM;
    private Scheduler scheduler;
    private PoolListener listener;
    private DoubleSupplier random = () -> ThreadLocalRandom.current().nextDouble();
    private boolean jmx = true;
    private boolean recordMetrics;

    PgPoolBuilder(PoolSettings settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
    }

    /** Opens physical connections with this factory instead of pgjdbc (for tests and benchmarks). */
    public PgPoolBuilder connectionFactory(ConnectionFactory factory) {
        this.factory = Objects.requireNonNull(factory);
        return this;
    }

    /** Uses this clock instead of the system's. */
    public PgPoolBuilder clock(PoolClock clock) {
        this.clock = Objects.requireNonNull(clock);
        return this;
    }

    /** Runs housekeeping with this scheduler instead of a daemon thread. */
    public PgPoolBuilder scheduler(Scheduler scheduler) {
        this.scheduler = Objects.requireNonNull(scheduler);
        return this;
    }

    /** Sends the pool's events to this listener. */
    public PgPoolBuilder listener(PoolListener listener) {
        this.listener = Objects.requireNonNull(listener);
        return this;
    }

    /**
     * Draws the expiry jitter from this source of numbers in [0, 1) (for deterministic tests); 0 means no
     * jitter, values near 1 take {@value #EXPIRY_JITTER_PERCENT}% off a connection's lifetime.
     */
    public PgPoolBuilder random(DoubleSupplier random) {
        this.random = Objects.requireNonNull(random);
        return this;
    }

    /** Whether to publish the pool's MXBean on the platform MBean server (default: yes). */
    public PgPoolBuilder jmx(boolean publish) {
        this.jmx = publish;
        return this;
    }

    /**
     * Whether to record the create, wait and use time distributions from the start (default: no; they start with
     * the first read of {@link PgPool#metrics()} or of the MXBean's histograms).
     */
    public PgPoolBuilder recordMetrics(boolean record) {
        this.recordMetrics = record;
        return this;
    }

    /** @return the started pool */
    public PgPool build() {
        return new PgPool(this);
    }

    PoolSettings settings() {
        return settings;
    }

    ConnectionFactory factory() {
        return factory;
    }

    PoolClock clock() {
        return clock;
    }

    Scheduler scheduler() {
        return scheduler;
    }

    /** @return the listener, or {@code null} if none was given */
    PoolListener listener() {
        return listener;
    }

    DoubleSupplier random() {
        return random;
    }

    boolean jmx() {
        return jmx;
    }

    boolean recordMetrics() {
        return recordMetrics;
    }
}
