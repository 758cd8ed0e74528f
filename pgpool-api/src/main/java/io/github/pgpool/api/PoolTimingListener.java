package io.github.pgpool.api;

/**
 * Receives each duration a pool measures, as it is measured, for a metrics library that keeps its own histograms
 * (the OpenTelemetry binding does). Added with {@code PgPool.addTimingListener}.
 *
 * <p>The methods run on the borrower's thread, inside {@code getConnection()} and {@code close()}: they must be
 * quick, must not block and should not allocate. What one throws is caught and ignored, so that monitoring never
 * breaks a borrow. Durations are in nanoseconds and never negative.
 */
public interface PoolTimingListener {
    /** A physical connection was opened in {@code nanos} (one attempt: connect, log in, read its settings). */
    void connectionCreated(long nanos);

    /** A borrower got a connection after waiting {@code nanos} (0 if it did not wait). */
    void waited(long nanos);

    /** A borrower gave a connection back after holding it {@code nanos} (see {@link PoolMetricsSnapshot#useTime()}). */
    void used(long nanos);
}
