package io.github.pgpool.jca;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;

/**
 * Payara's gap while it re-creates a pool for a changed property ({@code asadmin set}): between killing the old pool
 * and registering the new one, a request that allocates a connection fails inside the server before pgpool is asked
 * anything. Two failures show it, depending on where the request is when the pool goes:
 * <ul>
 *   <li>a {@link NullPointerException} from the pool manager ({@code PoolManagerImpl.getResource} or
 *       {@code getResourceFromPool}: "pool is null");</li>
 *   <li>a {@link jakarta.resource.ResourceException} from the connection manager's check of its pool
 *       ({@code ConnectionManagerImpl.validateResourceAndPool}: "No Pool Meta Data object associated with the
 *       pool"), which a data source kept from before the change (injected with {@code @Resource}) meets.</li>
 * </ul>
 * The gap lasts tens of milliseconds. pgpool recognises exactly these failures, by the server's frame that threw
 * them, and tries again within the request's MaxWait, so a password rotation or a MaxSize change fails no request.
 * Stateless.
 */
final class ServerPoolGap {
    /** Between two attempts: the gap is tens of milliseconds, a request waits at most MaxWait in all. */
    private static final long PAUSE_NANOS = Duration.ofMillis(5).toNanos();

    private ServerPoolGap() {
    }

    /** @return whether {@code e} is one of the server's failures of a pool being re-created (see the class) */
    static boolean isGap(Exception e) {
        StackTraceElement[] frames = e.getStackTrace();
        if (frames.length == 0) {
            return false;
        }
        String type = frames[0].getClassName();
        String method = frames[0].getMethodName();
        if (e instanceof NullPointerException) {
            return type.equals("com.sun.enterprise.resource.pool.PoolManagerImpl") && method.startsWith("getResource");
        }
        if (e instanceof jakarta.resource.ResourceException) {
            // The same check also refuses a resource that is missing or disabled: those messages are fixed English
            // and the failure is not a gap, so it is reported at once.
            String message = String.valueOf(e.getMessage());
            return type.equals("com.sun.enterprise.connectors.ConnectionManagerImpl")
                    && method.equals("validateResourceAndPool")
                    && !message.startsWith("No such resource") && !message.endsWith("is not enabled");
        }
        return false;
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
