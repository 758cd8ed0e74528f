package io.github.pgpool.api;

import java.util.Map;

/**
 * A pool's management interface, registered with the platform MBean server as
 * {@code io.github.pgpool:type=Pool,name="<pool name>"} while the pool is open, so that JConsole, VisualVM, the
 * servers' consoles and monitoring agents can read it. Nothing here ever shows a password.
 */
public interface PoolMXBean {
    /** @return the pool's name */
    String getPoolName();

    /** @return the configured MaxSize */
    int getMaxSize();

    /** @return physical connections open or being opened or closed */
    int getTotal();

    /** @return connections lent to borrowers */
    int getActive();

    /** @return open connections waiting in the pool */
    int getIdle();

    /** @return borrowers waiting for a connection */
    int getWaiting();

    /** @return physical connections opened since the pool started */
    long getCreated();

    /** @return connections closed because they reached Expires */
    long getClosedExpired();

    /** @return connections closed because they were idle longer than Cleanup */
    long getClosedIdle();

    /** @return connections closed because they failed */
    long getClosedBroken();

    /** @return connections closed for other credentials or by an administrator */
    long getClosedEvicted();

    /** @return failed attempts to open a physical connection */
    long getConnectFailures();

    /** @return connections handed out since the pool started */
    long getBorrows();

    /** @return borrowers that timed out after MaxWait */
    long getTimeouts();

    /** @return connections reported as possible leaks */
    long getLeaks();

    /** @return the mean time a borrow waited, in milliseconds */
    double getWaitTimeMeanMillis();

    /** @return the longest time one borrow waited, in milliseconds */
    double getWaitTimeMaxMillis();

    /** @return the fewest idle connections the pool keeps: always 0 (it starts empty, Cleanup empties it) */
    int getIdleMin();

    /** @return the most idle connections the pool may hold: MaxSize (any connection may be idle) */
    int getIdleMax();

    /**
     * How long opening a physical connection took (one attempt), in seconds. Reading this, or the other two
     * distributions, makes the pool record them from then on, if it did not already.
     */
    HistogramSnapshot getCreateTime();

    /** @return how long borrowers waited for a connection, in seconds (see {@link #getCreateTime()}) */
    HistogramSnapshot getWaitTime();

    /** @return how long borrowers held a connection, in seconds (see {@link PoolMetricsSnapshot#useTime()}) */
    HistogramSnapshot getUseTime();

    /** @return every setting in text form; the password is masked */
    Map<String, String> getSettings();

    /** Closes every idle connection now; connections in use are untouched. */
    void evictIdle();

    /** Replaces every connection: idle ones now, those in use when they come back. */
    void evictAll();

    /**
     * Changes one setting of the running pool the way a changed server configuration does: a pool with the new value
     * takes over at once (its MXBean keeps this name), the running one's connections are closed as they come free,
     * and no request fails. For servers that apply a resource adapter's configuration only on a reload (WildFly):
     * write the new value into the server's configuration too, so that the next reload keeps it.
     *
     * @param name a setting's name as in the configuration ({@code MaxSize}, {@code Password}, ...); not PoolName
     * @param value the new value in its text form
     * @throws IllegalArgumentException naming the setting, the value (never a secret one) and the rule, if the value
     *     breaks the rule or there is no such setting; the pool then goes on unchanged
     */
    void changeSetting(String name, String value);
}
