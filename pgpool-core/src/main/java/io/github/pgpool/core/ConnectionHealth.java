package io.github.pgpool.core;

import io.github.pgpool.api.CloseReason;
import io.github.pgpool.api.PoolSettings;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.DoubleSupplier;

/**
 * Everything the pool decides about one connection's fitness: when it expires (Expires less a random jitter, so that
 * connections opened together do not all expire together), whether an eviction or a fatal error elsewhere makes it
 * suspect, whether the server's own {@code idle_session_timeout} is about to end it, when it must be validated before
 * it is lent, and why it should be closed.
 *
 * <p>Lock-free: the settings are final and the two stamps (evictions, fatal errors) are volatile, so every method may
 * be called with or without the pool's lock. Time comes from the injected {@link PoolClock}; {@code now} arguments may
 * be recent-time readings, and near a connection's expiry the precise clock decides.
 */
final class ConnectionHealth {
    /** Largest share of Expires taken off a connection's life, so expiries spread out. */
    static final double EXPIRY_JITTER = 0.025;
    /** "Not set" for time stamps compared with nanoTime (which may be any value, even negative). */
    static final long NEVER = Long.MIN_VALUE;
    /** {@link PooledConnection#expiresAt()} of a connection that never expires (Expires = 0). */
    static final long NO_EXPIRY = Long.MAX_VALUE;
    /** The shortest time given to a connect or a validity check, so a healthy one is not cut off. */
    static final long MIN_CHECK_NANOS = 50_000_000L;
    /** Closer than this to its expiry, a connection's age is checked with the precise clock before it is lent. */
    private static final long EXPIRY_MARGIN_NANOS = 250_000_000L;
    /** Given back less than this ago, a connection is checked for unread input only, not for a hang-up. */
    static final long RECENT_NANOS = HotLane.HOT_MILLIS * 1_000_000L;
    /** How long before the server's idle_session_timeout an idle connection is retired. */
    private static final long SERVER_IDLE_MARGIN_NANOS = 1_000_000_000L;

    private final PoolClock clock;
    private final DoubleSupplier random;
    private final PoolEvents events;
    private final long expiresNanos;
    private final long cleanupNanos;
    private final long validateIdleNanos;
    private final long validationTimeoutNanos;
    /** How much later than a recent-time stamp idle time is counted, so Cleanup never closes early. */
    private final long recentSlackNanos;

    /** How many times every connection was evicted; a connection remembers the count its connect began with. */
    private final AtomicLong evictions = new AtomicLong();
    /** Idle connections whose previous loan began at or before this are validated before they are lent. */
    private volatile long suspectBefore = NEVER;

    ConnectionHealth(PoolSettings settings, PoolClock clock, DoubleSupplier random, PoolEvents events) {
        this.clock = clock;
        this.random = random;
        this.events = events;
        this.expiresNanos = settings.expires().toNanos();
        this.cleanupNanos = settings.cleanup().toNanos();
        this.validateIdleNanos = settings.validateIdle().toNanos();
        this.validationTimeoutNanos = settings.validationTimeout().toNanos();
        this.recentSlackNanos = clock.recentNanoTimeLag();
    }

    /** @return when a connection opened at {@code createdAt} expires, jitter included */
    long expiryFor(long createdAt) {
        if (expiresNanos == 0) {
            return NO_EXPIRY;
        }
        long jitter = (long) (expiresNanos * EXPIRY_JITTER * random.getAsDouble());
        return createdAt + expiresNanos - jitter;
    }

    // ---- Evictions and suspicion --------------------------------------------------------------------------------

    /**
     * From now on, every connection opened or being opened so far is evicted: idle ones are not lent, those in use
     * are not kept when they come back.
     */
    void evictAllOpenedUntilNow() {
        evictions.incrementAndGet();
    }

    /** @return the eviction count a connect that begins now remembers ({@link PooledConnection#evictionsAtConnect()}) */
    long evictions() {
        return evictions.get();
    }

    /** From now on, idle connections returned until now are validated before they are lent. */
    void suspectIdleConnections() {
        suspectBefore = clock.nanoTime();
    }

    /**
     * Whether an eviction came after this connection's connect began. The connect's start, not its end, counts: a
     * connection being opened while the pool was told to let go of everything (after a failover, say) may reach the
     * old server, so it is evicted too. Counting evictions rather than comparing times keeps this exact even when
     * two readings of the clock are equal.
     */
    boolean isEvicted(PooledConnection pc) {
        return pc.evictionsAtConnect() != evictions.get();
    }
    /**
     * Suspect if a fatal error was seen since this connection's previous loan began: a database restart kills the
     * connections that were in use then too, even those given back clean a moment later.
     */
    boolean isSuspect(PooledConnection pc) {
        long since = suspectBefore;
        return since != NEVER && since - pc.previousBorrowedAt() >= 0;
    }

    // ---- Age ----------------------------------------------------------------------------------------------------

    /** Whether a connection is past Expires or was evicted; near the expiry the precise clock decides. */
    boolean isExpired(PooledConnection pc, long now) {
        if (isEvicted(pc)) {
            return true;
        }
        if (farFromExpiry(pc, now)) {
            return false;
        }
        return clock.nanoTime() - pc.expiresAt() >= 0;
    }

    /** Whether a connection is surely not expired at {@code now}, even if that is a recent-time reading. */
    boolean farFromExpiry(PooledConnection pc, long now) {
        return pc.expiresAt() == NO_EXPIRY || now - pc.expiresAt() < -EXPIRY_MARGIN_NANOS;
    }

    CloseReason reasonForExpiry(PooledConnection pc) {
        return isEvicted(pc) ? CloseReason.EVICTED : CloseReason.EXPIRED;
    }

    /**
     * Whether an idle connection is about to be closed by the server's own idle_session_timeout: lending it would
     * cost the borrower an error, so the pool retires it first, leaving a margin for the round trip.
     */
    boolean isNearServerIdleTimeout(PooledConnection pc, long now) {
        long limit = pc.profile().serverIdleTimeoutNanos();
        return limit > 0 && now - pc.lastUsed() >= limit - Math.min(limit / 4, SERVER_IDLE_MARGIN_NANOS);
    }

    // ---- Decisions ----------------------------------------------------------------------------------------------

    /** @return why an idle connection must not be lent (it is to be closed instead), or {@code null} */
    CloseReason reasonNotToLend(PooledConnection pc, long now) {
        if (isExpired(pc, now)) {
            return reasonForExpiry(pc);
        }
        return isNearServerIdleTimeout(pc, now) ? CloseReason.IDLE : null;
    }

    /** @return why housekeeping should close an idle connection now (also past Cleanup), or {@code null} */
    CloseReason reasonToCloseIdle(PooledConnection pc, long now) {
        if (isExpired(pc, now)) {
            return reasonForExpiry(pc);
        }
        if ((cleanupNanos > 0 && now - pc.lastUsed() >= cleanupNanos + recentSlackNanos)
                || isNearServerIdleTimeout(pc, now)) {
            return CloseReason.IDLE;
        }
        return null;
    }

    /**
     * @return whether a connection about to be lent must first answer a validity check: it was idle longer than
     *     ValidateIdle, a fatal error elsewhere makes it suspect, or the server sent it something unasked (a
     *     terminated backend's farewell) or hung up (PgBouncer restarting), both seen without a round trip
     */
    boolean needsCheck(PooledConnection pc, long now) {
        if (isSuspect(pc)) {
            return true;
        }
        long idle = now - pc.lastUsed();
        if (idle >= validateIdleNanos) {
            return true;
        }
        // A connection given back within the hot lane's few milliseconds was answering a moment ago: the one
        // system call that sees a farewell message is enough. Idle longer, the peer may have hung up without one,
        // which only a read sees (about a microsecond more, still no round trip).
        return idle < RECENT_NANOS ? pc.hasUnreadInput() : pc.hasUnreadInputOrEnded();
    }

    /**
     * Whether a connection taken on the lock-free lane may be lent with no further thought: far from its expiry,
     * not evicted, not near the server's idle timeout, and needing no check. Otherwise the borrower decides with
     * the precise clock.
     */
    boolean isPlainlyFit(PooledConnection pc, long now) {
        return farFromExpiry(pc, now) && !isEvicted(pc) && !isNearServerIdleTimeout(pc, now) && !needsCheck(pc, now);
    }

    /**
     * Checks a connection about to be lent: validated if idle a while or suspect since a fatal error, within
     * ValidationTimeout and what is left of the borrower's MaxWait (but at least 50 ms). A failed check makes the
     * other idle connections suspect too.
     */
    boolean isUsable(PooledConnection pc, long now, long deadline) {
        if (!needsCheck(pc, now)) {
            return true;
        }
        long timeout = Math.max(MIN_CHECK_NANOS, Math.min(validationTimeoutNanos, deadline - now));
        try {
            if (Validation.isValid(pc.connection(), Duration.ofNanos(timeout))) {
                return true;
            }
        } catch (SQLException | RuntimeException e) {
            events.validityCheckFailed(e);
        }
        suspectIdleConnections();
        return false;
    }
}
