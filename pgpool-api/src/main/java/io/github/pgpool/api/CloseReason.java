package io.github.pgpool.api;

/** Why the pool closed a physical connection. */
public enum CloseReason {
    /** It reached its maximum lifetime ({@code Expires}). */
    EXPIRED,
    /** It was idle longer than {@code Cleanup}. */
    IDLE,
    /** It failed: a fatal SQLState, a failed validity check, or a failed session reset. */
    BROKEN,
    /**
     * Its slot was needed for a borrower with other credentials, an administrator evicted it, or its session holds
     * state that no reset undoes (after LOAD, setseed or dblink_connect).
     */
    EVICTED,
    /** The pool was closed. */
    SHUTDOWN
}
