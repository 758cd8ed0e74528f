package io.github.pgpool.api;

import java.time.Duration;

/**
 * Receives a pool's events, for metrics, logging or tests (count events instead of scraping logs). Every method has
 * an empty default, so a listener overrides only what it needs. Methods are called on the thread that caused the
 * event, sometimes while a borrower waits for it: keep them short and never let them throw.
 */
public interface PoolListener {
    /** A physical connection was opened. */
    default void connectionCreated(String poolName, Credentials credentials) {
    }

    /** An attempt to open a physical connection failed; the pool retries while the borrower's MaxWait lasts. */
    default void connectionFailed(String poolName, Throwable error) {
    }

    /** A physical connection was closed. */
    default void connectionClosed(String poolName, CloseReason reason) {
    }

    /** A connection was handed to a borrower after waiting {@code waited}. */
    default void borrowed(String poolName, Duration waited) {
    }

    /** A borrower gave up after MaxWait. */
    default void timedOut(String poolName, PoolTimeoutException exception) {
    }

    /**
     * A connection has been held longer than {@code LeakThreshold}.
     *
     * @param borrowedAt a throwable whose stack trace shows where the connection was borrowed
     */
    default void leakSuspected(String poolName, Duration held, Throwable borrowedAt) {
    }
}
