package io.github.pgpool.core;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Whether the server can do what a pool used for XA will ask of it: two-phase commit needs PostgreSQL's
 * {@code max_prepared_transactions} above 0, and its default is 0, so an application whose pool was made with
 * XATransaction support would otherwise learn it only at its first PREPARE, as a failed commit. The resource adapter
 * tells the engine that XA is in use by asking a connection for its XA resource ({@link PooledConnection#xaResource()}),
 * which on Payara and WildFly happens when the pool's first physical connection starts its first branch; the setting
 * was read with the connection's {@link ConnectionProfile}, without a round trip of its own. The warning is logged
 * once per pool.
 *
 * <p>Lock-free: one compare-and-set decides who warns.
 */
final class XaReadiness {
    /** What {@link ConnectionProfile#maxPreparedTransactions()} holds when the connection could not say. */
    static final int UNKNOWN = -1;

    private final PoolEvents events;
    private final AtomicBoolean warned = new AtomicBoolean();

    XaReadiness(PoolEvents events) {
        this.events = events;
    }

    /**
     * A connection of this pool is used for XA for the first time.
     *
     * @param maxPreparedTransactions the server's {@code max_prepared_transactions} as that connection read it, or
     *     {@link #UNKNOWN}
     */
    void xaUsed(int maxPreparedTransactions) {
        if (maxPreparedTransactions == 0 && warned.compareAndSet(false, true)) {
            events.noPreparedTransactions();
        }
    }

    /** @return the warning for a pool named {@code pool}: the setting, its value, the consequence and the fix */
    static String warning(String pool) {
        return "pgpool " + pool + ": the pool is used for XA transactions, but the server has "
                + "max_prepared_transactions = 0, so every two-phase commit will fail at PREPARE TRANSACTION. "
                + "Set it to at least the number of transactions that may be prepared at once (for example "
                + "ALTER SYSTEM SET max_prepared_transactions = 64) and restart PostgreSQL: the setting takes effect "
                + "only at server start.";
    }
}
