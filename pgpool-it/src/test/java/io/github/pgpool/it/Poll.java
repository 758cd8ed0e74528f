package io.github.pgpool.it;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Waiting on an observable condition with a deadline, the only way these tests synchronise with the server and with
 * PostgreSQL (backends appear and vanish asynchronously). A failure names the condition and the last value seen.
 */
public final class Poll {
    private static final long INTERVAL_NANOS = Duration.ofMillis(25).toNanos();

    private Poll() {
    }

    /** Probes until {@code ok} accepts the value, and returns it; fails after {@code timeout}. */
    public static <T> T until(String what, Duration timeout, Supplier<T> probe, Predicate<T> ok) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            T value = probe.get();
            if (ok.test(value)) {
                return value;
            }
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("timed out after " + timeout.toMillis() + " ms waiting for: " + what
                        + " (last seen: " + value + ")");
            }
            LockSupport.parkNanos(INTERVAL_NANOS);
        }
    }

    /** Probes for the whole window and fails as soon as {@code ok} rejects a value: "it stays like this". */
    public static <T> void holdsFor(String what, Duration window, Supplier<T> probe, Predicate<T> ok) {
        long end = System.nanoTime() + window.toNanos();
        do {
            T value = probe.get();
            if (!ok.test(value)) {
                throw new AssertionError("expected for " + window.toMillis() + " ms: " + what + ", but saw " + value);
            }
            LockSupport.parkNanos(INTERVAL_NANOS);
        } while (System.nanoTime() - end < 0);
    }
}
