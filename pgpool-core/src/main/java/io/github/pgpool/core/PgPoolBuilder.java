package io.github.pgpool.core;

import io.github.pgpool.api.Credentials;
import io.github.pgpool.api.PoolListener;
import io.github.pgpool.api.PoolSettings;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;
import java.util.function.Supplier;

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
    private Supplier<Credentials> credentials;

    PgPoolBuilder(PoolSettings settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
    }

    /** Opens physical connections with this factory instead of pgjdbc (for tests and benchmarks). */
    public PgPoolBuilder connectionFactory(ConnectionFactory factory) {
        this.factory = Objects.requireNonNull(factory);
        return this;
    }

    /**
     * Logs every new physical connection of the default credentials (those of {@link PgPool#borrow()}) in with what
     * {@code supplier} returns at that moment, instead of the settings' User and Password: for a password that is
     * rotated while the pool runs, or a short-lived token (IAM-style authentication). The supplier is called once per
     * physical connection opened, on the borrower's thread and outside the pool's lock, so it may block briefly (it
     * counts against MaxWait); connections already open keep working, as PostgreSQL keeps a session logged in after
     * its password changed. An exception it throws fails that attempt and the pool retries within MaxWait; returning
     * {@code null} fails the borrow at once (SQLState 28000). Borrows with other credentials
     * ({@link PgPool#borrow(Credentials)}) are not affected.
     */
    public PgPoolBuilder credentials(Supplier<Credentials> supplier) {
        this.credentials = Objects.requireNonNull(supplier, "supplier");
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

    /**
     * @return a builder with the same clock, scheduler, factory, listener, jitter, JMX, metrics and credentials
     *     supplier but other settings: the successor of {@link PgPool#replaceWith}
     */
    PgPoolBuilder withSettings(PoolSettings newSettings) {
        PgPoolBuilder b = new PgPoolBuilder(newSettings);
        b.factory = factory;
        b.clock = clock;
        b.scheduler = scheduler;
        b.listener = listener;
        b.random = random;
        b.jmx = jmx;
        b.recordMetrics = recordMetrics;
        b.credentials = credentials;
        return b;
    }

    /** @return the started pool */
    public PgPool build() {
        return new PgPool(this);
    }

    PoolSettings settings() {
        return settings;
    }

    /**
     * @return the factory to open connections with: the one given, or {@code null} for pgjdbc's; wrapped so that the
     *     default credentials come from the supplier, if one was given
     */
    ConnectionFactory factory() {
        if (credentials == null) {
            return factory;
        }
        ConnectionFactory base = factory != null ? factory : new PgConnectionFactory(settings);
        return new SuppliedCredentials(base, settings.defaultCredentials(), credentials);
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
