package io.github.pgpool.core;

import io.github.pgpool.api.CloseReason;
import io.github.pgpool.api.Credentials;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The pool's books: the idle list of each set of credentials (a {@link Partition}, most recently used first), the
 * list of every open connection, and the count of slots taken against MaxSize.
 *
 * <p>A slot is counted from the moment a connection is being opened until it is physically closed, so MaxSize holds
 * even for a moment; the books therefore count more slots ({@link #total()}) than they list connections while
 * connections are being opened or closed.
 *
 * <p>Lock-guarded: every method is called under the pool's lock. Connections move between idle and in use without
 * the lock, by their {@link PooledConnection.State}; the lists only say where to look.
 */
final class PoolBooks {
    private final int maxSize;
    private final PoolCounters counters;
    private final Partition defaultPartition;
    private final Map<Credentials, Partition> partitions = new HashMap<>();
    private final ArrayList<PooledConnection> all = new ArrayList<>();
    private int total;
    /**
     * Slots still held by the connections of the pool this one succeeded ({@link PgPool#replaceWith}): they count
     * against MaxSize until the predecessor has closed them, so the database never sees more than the larger of the
     * two limits.
     */
    private int inherited;

    PoolBooks(int maxSize, Credentials defaultCredentials, PoolCounters counters) {
        this.maxSize = maxSize;
        this.counters = counters;
        this.defaultPartition = new Partition(defaultCredentials);
        partitions.put(defaultCredentials, defaultPartition);
    }

    /** @return the partition of these credentials, made on first use */
    Partition partition(Credentials credentials) {
        if (credentials == defaultPartition.credentials) {
            return defaultPartition;
        }
        return partitions.computeIfAbsent(credentials, Partition::new);
    }

    // ---- Slots ---------------------------------------------------------------------------------------------------

    /** @return slots taken: connections open, being opened or being closed */
    int total() {
        return total;
    }

    /** @return slots held by the predecessor's connections, counted against MaxSize until they are closed */
    int inherited() {
        return inherited;
    }

    /** Counts {@code n} more of the predecessor's slots against MaxSize. */
    void inheritSlots(int n) {
        inherited += n;
    }

    /** The predecessor closed {@code n} of its connections: their slots no longer count here. */
    void releaseInherited(int n) {
        inherited -= n;
    }

    /** Takes a slot if fewer than MaxSize are taken, the predecessor's still open ones included. */
    boolean tryTakeSlot() {
        if (total + inherited < maxSize) {
            total++;
            return true;
        }
        return false;
    }

    /** @return whether every slot is taken */
    boolean isFull() {
        return total + inherited >= maxSize;
    }

    /** Gives back slots whose connections are closed (or never opened). */
    void freeSlots(int n) {
        total -= n;
    }

    // ---- Connections ---------------------------------------------------------------------------------------------

    /** Puts a newly opened connection (its slot already taken) on the books, in use by its first borrower. */
    void register(PooledConnection pc) {
        pc.partition(partition(pc.credentials()));
        pc.indexInAll(all.size());
        all.add(pc);
        counters.opened();
    }

    /** @return the number of connections on the books (open, idle or in use) */
    int connections() {
        return all.size();
    }

    /**
     * Takes the most recently used idle connection of a partition, or {@code null}. Entries lent without the lock
     * stay listed, so their borrowers can give them back without the lock too; taking them off here would send
     * every such borrower to the lock at once, so they are skipped.
     */
    PooledConnection takeIdle(Partition partition) {
        for (Iterator<PooledConnection> it = partition.idle.iterator(); it.hasNext();) {
            PooledConnection pc = it.next();
            if (pc.state() == PooledConnection.State.IDLE && pc.tryLend()) {
                it.remove();
                pc.listed(false); // ours now: it goes back through the lock, to the front
                return pc;
            }
        }
        return null;
    }

    /** Puts a connection the caller owns at the front of its partition's idle list (most recently used). */
    void listFirst(PooledConnection pc) {
        Partition p = pc.partition();
        if (pc.isListed()) {
            p.idle.removeFirstOccurrence(pc);
        }
        p.idle.addFirst(pc);
        pc.listed(true);
    }

    /**
     * Takes a connection the caller owns (or has just retired) off the books for closing, and counts it closed for
     * {@code reason}. Its slot stays taken until the caller has closed it and calls {@link #freeSlots}.
     */
    void forget(PooledConnection pc, CloseReason reason) {
        pc.retire(reason);
        if (pc.isListed()) {
            pc.partition().idle.removeFirstOccurrence(pc);
            pc.listed(false);
        }
        int i = pc.indexInAll();
        if (i >= 0) {
            PooledConnection last = all.remove(all.size() - 1);
            if (last != pc) {
                all.set(i, last);
                last.indexInAll(i);
            }
            pc.indexInAll(-1);
        }
        counters.closed(reason, pc.loans());
    }

    /**
     * Takes, for closing, the least recently used idle connection of credentials other than {@code mine}, if there
     * is one: a borrower at MaxSize takes its slot rather than wait for ever.
     */
    PooledConnection takeLeastRecentlyUsedIdleOfOthers(Partition mine) {
        for (;;) {
            PooledConnection oldest = null;
            for (Partition p : partitions.values()) {
                if (p == mine) {
                    continue;
                }
                for (Iterator<PooledConnection> it = p.idle.descendingIterator(); it.hasNext();) {
                    PooledConnection pc = it.next();
                    if (pc.state() == PooledConnection.State.IDLE) {
                        if (oldest == null || pc.lastUsed() < oldest.lastUsed()) {
                            oldest = pc;
                        }
                        break; // the partition's least recently used idle one
                    }
                }
            }
            if (oldest == null) {
                return null;
            }
            if (oldest.tryRetire()) {
                forget(oldest, CloseReason.EVICTED);
                return oldest;
            }
            // Lent without the lock a moment ago: look again.
        }
    }

    /**
     * Takes every idle connection off the books for {@code reason} and adds it to {@code out}, for closing after the
     * lock. Connections in use are untouched (they are closed when they come back, if the caller arranged that).
     */
    List<PooledConnection> drainIdle(CloseReason reason, List<PooledConnection> out) {
        for (Partition p : partitions.values()) {
            PooledConnection pc;
            while ((pc = p.idle.pollFirst()) != null) {
                pc.listed(false);
                if (pc.tryRetire()) {
                    forget(pc, reason);
                    out.add(pc);
                }
            }
        }
        return out;
    }

    /** Decides whether an idle connection is due for closing, and why. */
    @FunctionalInterface
    interface CloseRule {
        /** @return why to close {@code pc} now, or {@code null} to keep it */
        CloseReason reasonToClose(PooledConnection pc);
    }

    /**
     * Takes off the books, for closing after the lock, every idle connection that {@code rule} says is due,
     * least recently used first. The rule is asked twice: once to look, and again once the connection is retired
     * and so its last use is final (it may have been lent and given back without the lock in between).
     *
     * @return {@code out}, or a new list if it was {@code null} and something is due
     */
    List<PooledConnection> takeDueIdle(CloseRule rule, List<PooledConnection> out) {
        List<PooledConnection> result = out;
        for (Partition p : partitions.values()) {
            for (Iterator<PooledConnection> it = p.idle.descendingIterator(); it.hasNext();) {
                PooledConnection pc = it.next();
                if (pc.state() != PooledConnection.State.IDLE || rule.reasonToClose(pc) == null || !pc.tryRetire()) {
                    continue; // in use (lent without the lock), or not due
                }
                CloseReason reason = rule.reasonToClose(pc);
                if (reason == null) {
                    pc.markIdle();
                    continue;
                }
                it.remove();
                pc.listed(false);
                forget(pc, reason);
                result = result == null ? new ArrayList<>(2) : result;
                result.add(pc);
            }
        }
        return result;
    }

    /** @return every connection on the books, for scanning under the lock (not to be changed) */
    List<PooledConnection> all() {
        return all;
    }

    /** @return how many connections on the books are idle now */
    int countIdle() {
        int idle = 0;
        for (PooledConnection pc : all) {
            if (pc.state() == PooledConnection.State.IDLE) {
                idle++;
            }
        }
        return idle;
    }

    /** @return the loans of the connections on the books */
    long sumLoans() {
        long sum = 0;
        for (PooledConnection pc : all) {
            sum += pc.loans();
        }
        return sum;
    }

    /** Drops the partitions of other credentials that hold no connection, so one-off users leave nothing behind. */
    void pruneEmptyPartitions() {
        if (partitions.size() > 1) {
            partitions.values().removeIf(p -> p != defaultPartition && p.idle.isEmpty() && !inUseBy(p));
        }
    }

    private boolean inUseBy(Partition p) {
        for (PooledConnection pc : all) {
            if (pc.partition() == p) {
                return true;
            }
        }
        return false;
    }
}
