package io.github.pgpool.core;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Assumptions;

/**
 * Virtual threads for tests compiled at release 17: the two JDK 21 methods the tests need, looked up by reflection,
 * because the build's bytecode level (17) has no {@code Thread.ofVirtual()} to compile against. A JDK without them
 * skips the calling test, with the reason, on a developer's machine, and fails it under {@code CI=true}, where the
 * build runs on JDK 25 and a skipped virtual-thread test would hide a broken CI set-up. Stateless.
 */
final class VirtualThreads {
    private static final Method NEW_EXECUTOR = find(Executors.class, "newVirtualThreadPerTaskExecutor");
    private static final Method IS_VIRTUAL = find(Thread.class, "isVirtual");

    private VirtualThreads() {
    }

    /** Skips (developer) or fails (CI=true) the calling test unless this JDK has virtual threads. */
    static void require() {
        if (NEW_EXECUTOR != null && IS_VIRTUAL != null) {
            return;
        }
        String reason = "this JDK (" + Runtime.version() + ") has no virtual threads; they need JDK 21 or newer";
        if ("true".equals(System.getenv("CI"))) {
            throw new AssertionError("CI=true but " + reason + ": CI runs Maven on JDK 25 (.ci/run)");
        }
        Assumptions.abort(reason);
    }

    /** @return an executor that starts a new virtual thread for every task */
    static ExecutorService perTaskExecutor() {
        require();
        try {
            return (ExecutorService) NEW_EXECUTOR.invoke(null);
        } catch (IllegalAccessException | InvocationTargetException e) {
            throw new AssertionError("cannot create a virtual-thread executor", e);
        }
    }

    /** @return whether {@code t} is a virtual thread ({@code false} on a JDK without them) */
    static boolean isVirtual(Thread t) {
        if (IS_VIRTUAL == null) {
            return false;
        }
        try {
            return (Boolean) IS_VIRTUAL.invoke(t);
        } catch (IllegalAccessException | InvocationTargetException e) {
            throw new AssertionError("Thread.isVirtual failed", e);
        }
    }

    private static Method find(Class<?> type, String name) {
        try {
            return type.getMethod(name);
        } catch (NoSuchMethodException e) {
            return null;
        }
    }
}
