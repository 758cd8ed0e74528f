package io.github.pgpool.core;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Waits for a condition with a deadline: how tests synchronise with other threads, instead of sleeping. */
final class Await {
    private Await() {
    }

    static void until(String what, Duration limit, BooleanSupplier condition) {
        until(what, limit, condition, () -> "");
    }

    static void until(String what, Duration limit, BooleanSupplier condition, Supplier<String> state) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("timed out after " + limit.toMillis() + "ms waiting for " + what + " "
                        + state.get());
            }
            Thread.onSpinWait();
            Thread.yield();
        }
    }

    /** Waits until {@code t} is parked or blocked, i.e. has reached its wait. */
    static void parked(Thread t) {
        until(t.getName() + " to park", Duration.ofSeconds(10), () -> {
            Thread.State s = t.getState();
            return s == Thread.State.WAITING || s == Thread.State.TIMED_WAITING || !t.isAlive();
        });
    }
}
