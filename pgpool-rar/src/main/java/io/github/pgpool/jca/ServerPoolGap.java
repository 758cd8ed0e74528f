package io.github.pgpool.jca;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;

/**
 * Payara's gap while it re-creates a pool for a changed property ({@code asadmin set}): between killing the old pool
 * and registering the new one, a request that allocates a connection fails inside the server with a
 * {@link NullPointerException} from its pool manager ({@code PoolManagerImpl.getResource}: "pool is null"), before
 * pgpool is asked anything. Measured at about 60 ms. pgpool recognises exactly that failure and tries again within
 * the request's MaxWait, so a password rotation or a MaxSize change fails no request. Stateless.
 */
final class ServerPoolGap {
    /** Between two attempts: the gap is tens of milliseconds, a request waits at most MaxWait in all. */
    private static final long PAUSE_NANOS = Duration.ofMillis(5).toNanos();

    private ServerPoolGap() {
    }

    /**
     * @return whether {@code e} is the server's "no pool" failure of a pool being re-created: a
     *     NullPointerException thrown by the resource pool manager's getResource
     */
    static boolean isGap(RuntimeException e) {
        if (!(e instanceof NullPointerException)) {
            return false;
        }
        StackTraceElement[] frames = e.getStackTrace();
        return frames.length > 0 && frames[0].getClassName().startsWith("com.sun.enterprise.resource.pool.")
                && frames[0].getMethodName().equals("getResource");
    }

    /**
     * Pauses before the next attempt.
     *
     * @return false if {@code deadline} (System.nanoTime) has passed: report the failure
     */
    static boolean pauseUntil(long deadline) {
        if (System.nanoTime() - deadline >= 0) {
            return false;
        }
        LockSupport.parkNanos(Math.min(PAUSE_NANOS, deadline - System.nanoTime()));
        return true;
    }
}
