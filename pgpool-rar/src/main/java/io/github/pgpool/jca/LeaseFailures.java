package io.github.pgpool.jca;

import java.sql.SQLException;

/**
 * Carries pgpool's own exception past the transaction manager. When a server enlists a new connection in a running
 * transaction, our XA {@code start} leases a physical connection; if that times out, servers turn the XAException
 * into their own exceptions and drop its cause (Payara: "SystemException: null"), so the application would not see
 * pgpool's timeout. Enlistment runs on the application's thread inside
 * {@code ConnectionManager.allocateConnection}, so the data source opens a per-thread slot around that call, XA start
 * records its failure there, and the data source throws it as is.
 *
 * <p>The slot is open only during {@link #during}. Afterwards the thread keeps an empty entry for it (value null):
 * removing the entry and making it again cost a weak reference, a hash-table clean-up and a rehash check on every
 * allocation (measured: about 6% of the CPU of a select-by-id request inside Payara, see pgpool-bench/PROFILING.md
 * section 7). An empty entry keeps no class loader alive after undeployment: its key, the {@link ThreadLocal}, is
 * referenced weakly, and its value is null.
 */
final class LeaseFailures {
    private static final ThreadLocal<SQLException[]> SLOT = new ThreadLocal<>();

    private LeaseFailures() {
    }

    /** Work that allocates a connection and may fail. */
    @FunctionalInterface
    interface Allocation<T> {
        T run() throws SQLException;
    }

    /**
     * Runs an allocation with a slot open on this thread.
     *
     * @throws SQLException the lease failure recorded during the allocation, if it failed and one was recorded;
     *     otherwise the allocation's own failure
     */
    static <T> T during(Allocation<T> allocation) throws SQLException {
        SQLException[] slot = new SQLException[1];
        SQLException[] outer = SLOT.get();
        SLOT.set(slot);
        try {
            return allocation.run();
        } catch (SQLException | RuntimeException e) {
            if (slot[0] != null && slot[0] != e) {
                slot[0].addSuppressed(e);
                throw slot[0];
            }
            throw e;
        } finally {
            SLOT.set(outer); // null closes the slot but keeps the thread's entry for the next allocation
        }
    }

    /**
     * @return the pool timeout already recorded during the allocation running on this thread, or {@code null}: a
     *     server that retries a failed allocation (Payara does) must not make the application wait MaxWait twice
     */
    static SQLException timeoutSoFar() {
        SQLException[] slot = SLOT.get();
        return slot != null && slot[0] instanceof io.github.pgpool.api.PoolTimeoutException ? slot[0] : null;
    }

    /** Records a failure to lease on this thread, if a data source is allocating here; otherwise does nothing. */
    static void record(SQLException e) {
        SQLException[] slot = SLOT.get();
        if (slot != null && slot[0] == null) {
            slot[0] = e;
        }
    }
}
