package io.github.pgpool.it.app;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Named one-shot gates that let a test hold a connection (or a transaction) open for exactly as long as it wants:
 * the request blocks on its gate until the test opens it with a second request. This replaces "hold for N ms and
 * hope the test looked in time" with an explicit hand-shake.
 */
final class Gates {
    /** Upper bound so that a test that dies without opening its gate cannot pin a server thread forever. */
    static final long MAX_HOLD_SECONDS = 60;

    private static final ConcurrentMap<String, CountDownLatch> GATES = new ConcurrentHashMap<>();

    private Gates() {
    }

    /** Blocks until {@link #open} is called for this name; either may come first. */
    static void await(String name) throws InterruptedException {
        CountDownLatch latch = GATES.computeIfAbsent(name, n -> new CountDownLatch(1));
        try {
            if (!latch.await(MAX_HOLD_SECONDS, TimeUnit.SECONDS)) {
                throw new IllegalStateException("gate " + name + " was not opened within " + MAX_HOLD_SECONDS + " s");
            }
        } finally {
            GATES.remove(name, latch);
        }
    }

    static void open(String name) {
        GATES.computeIfAbsent(name, n -> new CountDownLatch(1)).countDown();
    }
}
