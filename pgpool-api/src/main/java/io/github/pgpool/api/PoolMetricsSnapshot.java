package io.github.pgpool.api;

/**
 * What monitoring shows of a pool: the figures OpenTelemetry's semantic conventions for database client connection
 * pools name ({@code db.client.connection.*}), read in one go. Counts describe the moment of the snapshot; the
 * timeouts and the three distributions are totals since the pool started (the distributions since
 * {@linkplain #recording() recording} began).
 *
 * <p>pgpool has no minimum of idle connections and no maximum of its own for them, so {@code idleMin} and
 * {@code idleMax} report the limits its rules imply: the pool starts empty and Cleanup closes every idle connection
 * in the end, so the fewest idle connections it keeps is 0; and any connection may be idle, so the most is MaxSize.
 *
 * @param poolName the pool's name ({@code db.client.connection.pool.name})
 * @param used connections lent to borrowers ({@code db.client.connection.count}, state {@code used})
 * @param idle open connections waiting in the pool ({@code db.client.connection.count}, state {@code idle})
 * @param idleMin the fewest idle connections the pool keeps: always 0 ({@code db.client.connection.idle.min})
 * @param idleMax the most idle connections the pool may hold: MaxSize ({@code db.client.connection.idle.max})
 * @param max MaxSize, the most physical connections at once ({@code db.client.connection.max})
 * @param pendingRequests borrowers waiting for a connection ({@code db.client.connection.pending_requests})
 * @param timeouts borrowers that ran out of MaxWait so far ({@code db.client.connection.timeouts})
 * @param createTime how long opening a connection took, one attempt each (connect, log in, read the session's
 *     settings), successful attempts only ({@code db.client.connection.create_time})
 * @param waitTime how long borrowers waited for a connection, opening one included
 *     ({@code db.client.connection.wait_time})
 * @param useTime how long borrowers held a connection, from hand-out until it was back in the pool, cleaning
 *     included; measured with the pool's coarse clock, whose ticks are about 2 ms apart, so a loan shorter than a
 *     tick is recorded as 0 or as one tick, with the right mean over many loans ({@code db.client.connection.use_time})
 * @param recording whether the three distributions are being recorded: a pool records them once anybody reads them
 *     (this snapshot, the MXBean's histogram attributes, a timing listener) or when built to; before that they are
 *     empty and the borrow path does not pay for them
 */
public record PoolMetricsSnapshot(
        String poolName,
        int used,
        int idle,
        int idleMin,
        int idleMax,
        int max,
        int pendingRequests,
        long timeouts,
        HistogramSnapshot createTime,
        HistogramSnapshot waitTime,
        HistogramSnapshot useTime,
        boolean recording) {
}
