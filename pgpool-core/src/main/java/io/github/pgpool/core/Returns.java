package io.github.pgpool.core;

import io.github.pgpool.api.CloseReason;
import java.sql.SQLException;

/**
 * The return side of a {@link PgPool}: cleans a connection given back and puts it where it belongs: back on the
 * {@link HotLane} without the lock while nobody starves, straight to the longest waiter when the queue starves,
 * idle at the front of its partition otherwise, or closed (broken, expired, evicted, or needed by a waiter with other
 * credentials).
 *
 * <p>Thread-safe: its own fields are final; the books and the queue it changes are guarded by the pool's lock, which
 * it never holds across I/O (the rollback and reset run before, the close after).
 */
final class Returns extends PoolSide {
    private final boolean lockFree;
    private final Lender lender;
    private final SessionReset sessionReset;

    Returns(PoolParts parts, Lender lender, SessionReset sessionReset) {
        super(parts);
        this.lockFree = lender.lockFree();
        this.lender = lender;
        this.sessionReset = sessionReset;
    }

    /** Gives a connection back; see {@link PooledConnection#release()}. */
    void release(PooledConnection pc) {
        if (!pc.beginReturn()) {
            throw events.releasedTwice();
        }
        boolean resettable = sessionReset.canClean(pc);
        boolean reusable = !pc.isBroken() && resettable && cleaned(pc);
        long now = clock.recentNanoTime();
        events.returned(now - pc.borrowedAt()); // coarse clock: free, and right on average (see useTime)
        // Only a connection lent without the lock is still listed; it goes back the same way unless the queue
        // starves, when it must go to the longest waiter.
        if (reusable && lockFree && pc.isListed() && !closed.getAsBoolean() && !waiters.starving()
                && health.farFromExpiry(pc, now) && !health.isEvicted(pc)) {
            pc.touch(now);
            pc.markIdle(); // it is still in the idle list, so marking it idle puts it back
            hotLane.remember(pc);
            // Read after marking it idle (a borrower about to wait, or close(), writes first, then reads the
            // states): if either changed meanwhile, take it back and go the locked way.
            if (pc.isListed() && !closed.getAsBoolean() && !health.isEvicted(pc)) {
                if (waiters.sizeHint() == 0) {
                    return;
                }
                if (!waiters.starving()) {
                    waiters.nudge(); // it stays idle for whoever comes first; the head looks too
                    return;
                }
            }
            if (!pc.tryReclaim()) {
                return; // somebody took it meanwhile: theirs now
            }
        }
        releaseLocked(pc, reusable ? null : resettable ? CloseReason.BROKEN : CloseReason.EVICTED, now);
    }

    /** Rolls back and resets a returned connection; {@code false} if it cannot be reused. */
    private boolean cleaned(PooledConnection pc) {
        try {
            if (!pc.connection().isClosed()) { // pgjdbc closes its side after an I/O failure
                sessionReset.reset(pc);
                return true;
            }
        } catch (SQLException | RuntimeException e) {
            events.resetFailed(e);
        }
        health.suspectIdleConnections();
        return false;
    }

    /** @param unusable why the connection cannot be reused, or {@code null} if it can */
    private void releaseLocked(PooledConnection pc, CloseReason unusable, long now) {
        CloseReason closeReason = null;
        Waiter handedTo = null;
        boolean nudge = false;
        lock.lock();
        try {
            Waiter head = waiters.head();
            if (unusable != null) {
                closeReason = unusable;
            } else if (closed.getAsBoolean()) {
                closeReason = CloseReason.SHUTDOWN;
            } else if (health.isExpired(pc, now)) {
                closeReason = health.reasonForExpiry(pc);
            } else if (head != null && !head.credentials.equals(pc.credentials())) {
                // The longest waiter needs other credentials: close this one, and the freed slot goes to them.
                closeReason = CloseReason.EVICTED;
            } else if (head != null && waiters.starving()) {
                waiters.served(head, clock.nanoTime());
                pc.touch(now);
                pc.handOver();
                lender.lendLocked(pc, now, head.start);
                handedTo = head.grantConnection(pc);
            } else {
                pc.touch(now);
                pc.recordBorrower(null);
                books.listFirst(pc);
                pc.markIdle();
                nudge = head != null; // normal mode: it is idle for whoever comes first; the head looks too
            }
            if (closeReason != null) {
                books.forget(pc, closeReason);
            }
        } finally {
            lock.unlock();
        }
        if (closeReason != null) {
            closer.closeAndFreeSlot(pc);
        } else if (handedTo != null) {
            handedTo.wake(); // the waiter reports its borrow itself, once it has checked the connection
        } else {
            hotLane.remember(pc);
            if (nudge) {
                waiters.nudge();
            }
        }
    }
}
