package io.github.pgpool.demo;

import java.util.Locale;

/**
 * What the monitor saw at one moment: the pool's own figures, the backends PostgreSQL reports for the demo database,
 * and the clients' tallies so far.
 *
 * @param seconds time since the workload started
 * @param phase the phase running then
 * @param pool the pool's figures (JMX)
 * @param backends client backends of the demo database in {@code pg_stat_activity}, -1 if the query failed
 * @param oldestBackend age in seconds of the oldest of those backends (0 if none)
 * @param httpOk requests answered so far
 * @param httpTimeouts requests that got a pool timeout so far
 * @param httpErrors requests that failed otherwise so far
 */
record Sample(double seconds, String phase, PoolProbe.Figures pool, int backends, double oldestBackend, long httpOk,
        long httpTimeouts, long httpErrors) {

    /** CSV header matching {@link #csv()}. */
    static final String CSV_HEADER = "seconds,phase,total,active,idle,waiting,backends,oldest_backend_s,created,"
            + "closed_expired,closed_idle,closed_other,timeouts,borrows,http_ok,http_timeout,http_error";

    String csv() {
        return String.format(Locale.ROOT, "%.3f,%s,%d,%d,%d,%d,%d,%.3f,%d,%d,%d,%d,%d,%d,%d,%d,%d", seconds, phase,
                pool.total(), pool.active(), pool.idle(), pool.waiting(), backends, oldestBackend, pool.created(),
                pool.closedExpired(), pool.closedIdle(), pool.closedOther(), pool.timeouts(), pool.borrows(), httpOk,
                httpTimeouts, httpErrors);
    }

    /** The progress line: time, phase, the pool, its history and PostgreSQL's view. */
    String line() {
        return String.format(Locale.ROOT,
                "%5.1fs %-6s | total %d  active %d  idle %d  waiting %2d | created %2d  closed %2d"
                        + " (expired %d, idle %d)  timeouts %3d | backends %s | http ok %d",
                seconds, phase, pool.total(), pool.active(), pool.idle(), pool.waiting(), pool.created(),
                pool.closed(), pool.closedExpired(), pool.closedIdle(), pool.timeouts(),
                backends < 0 ? "?" : Integer.toString(backends), httpOk);
    }
}
