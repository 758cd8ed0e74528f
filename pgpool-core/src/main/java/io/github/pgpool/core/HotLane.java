package io.github.pgpool.core;

import io.github.pgpool.api.Credentials;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.Arrays;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The lock-free lane: each thread's last returned connection, so that a thread under load takes back the connection
 * it gave back a moment ago with one compare-and-set, without the pool's lock, and the connection stays warm on its
 * thread.
 *
 * <p>The rule: a thread may take its last connection without the lock if it gave it back within
 * {@value #HOT_MILLIS} ms, or if the lock is busy. A thread that comes back that soon is under load; at lower traffic
 * borrowers go through the lock, whose most-recently-used order lets surplus connections age out. The pool decides
 * when the lane may be used at all (not while anybody waits).
 *
 * <p>Lock-free. The hints are plain references, striped by thread id, that any thread may overwrite: a stale hint
 * costs a failed compare-and-set, never a wrong loan, because the connection's state decides who owns it. They are
 * held by the pool, not in thread locals, so an undeployed pool leaves nothing in a server's threads.
 *
 * <p>Virtual threads skip the lane: such a thread usually serves one request and ends, so the slot its id picks holds
 * some other thread's connection, not its own. Measured with each request a new virtual thread on MaxSize 20 and
 * PostgreSQL (pgpool-bench/results/virtual-threads-hotlane.md): 8 to 58% of their tries hit (platform threads: 61
 * to 100%), a hint is written on 12 to 69% of returns (platform threads: 0.1 to 29%), and going through the lock
 * instead was faster in 10 of 13 rounds (median 1.06x, up to 3.6x with 32 in flight). Only with the stub driver,
 * where the pool is all the work, was the lane faster for them, by 0.1 to 0.35 us a request. Their borrows take the
 * lock's way, whose order lets surplus connections age out.
 */
final class HotLane {
    /** A thread back within this time takes its last connection without the lock, busy lock or not. */
    static final int HOT_MILLIS = 5;
    private static final long HOT_NANOS = HOT_MILLIS * 1_000_000L;
    /** Threads' last-returned connections are kept in this many slots, chosen by thread id. */
    private static final int SLOTS = 64;
    /** Slots are this many references apart, so that threads writing their own slot share no cache line. */
    private static final int STRIDE = 16;

    /** {@code Thread.isVirtual()} (JDK 21 and newer), or {@code null} where every thread is a platform thread. */
    private static final MethodHandle IS_VIRTUAL = isVirtualHandle();

    private final PooledConnection[] hints = new PooledConnection[SLOTS * STRIDE];
    private final ReentrantLock lock;

    /** @param lock the pool's lock, whose being busy lets a thread take its last connection however long ago */
    HotLane(ReentrantLock lock) {
        this.lock = lock;
    }

    /**
     * Takes this thread's last connection if the rule allows, it has these credentials and it is still idle.
     *
     * @param now a recent-time reading
     * @return the connection, now lent to the caller (who still checks its health), or {@code null}
     */
    PooledConnection tryTake(Credentials credentials, long now) {
        if (onVirtualThread()) {
            return null;
        }
        PooledConnection pc = hints[slot()];
        if (pc == null) {
            return null;
        }
        // lastUsed is read before owning the connection: a stale value only sends this borrower to the lock.
        if (now - pc.lastUsed() > HOT_NANOS && !lock.isLocked()
                || !pc.credentials().equals(credentials) || !pc.tryLend()) {
            return null;
        }
        return pc;
    }

    /** Remembers {@code pc} as the connection this thread gave back last. */
    void remember(PooledConnection pc) {
        if (onVirtualThread()) {
            return; // a virtual thread's hint would only overwrite a platform thread's
        }
        int slot = slot();
        if (hints[slot] != pc) {
            hints[slot] = pc; // written only when it changes: a thread that keeps one connection writes nothing
        }
    }

    /** Forgets a closed connection, wherever it is remembered: a closed pgjdbc connection still holds its buffers. */
    void forget(PooledConnection pc) {
        for (int i = 0; i < hints.length; i += STRIDE) {
            if (hints[i] == pc) {
                hints[i] = null;
            }
        }
    }

    /** Forgets everything (the pool closed). */
    void clear() {
        Arrays.fill(hints, null);
    }

    /** @return the connection remembered in this thread's slot, or {@code null}; for tests */
    PooledConnection hintOfThisThread() {
        return hints[slot()];
    }

    /**
     * @return whether the current thread is virtual. A static final method handle, so the JIT folds the lookup away
     *     and the check costs what {@code Thread.isVirtual()} costs; on JDK 17 to 20 it is always {@code false}.
     */
    static boolean onVirtualThread() {
        MethodHandle isVirtual = IS_VIRTUAL;
        if (isVirtual == null) {
            return false;
        }
        try {
            return (boolean) isVirtual.invokeExact(Thread.currentThread());
        } catch (Throwable e) {
            return false; // Thread.isVirtual() throws nothing; a platform thread is the safe answer anyway
        }
    }

    private static MethodHandle isVirtualHandle() {
        try {
            return MethodHandles.publicLookup().findVirtual(Thread.class, "isVirtual",
                    MethodType.methodType(boolean.class));
        } catch (NoSuchMethodException | IllegalAccessException e) {
            return null; // JDK 17 to 20: no virtual threads
        }
    }

    private static int slot() {
        return ((int) Thread.currentThread().getId() & (SLOTS - 1)) * STRIDE;
    }
}
