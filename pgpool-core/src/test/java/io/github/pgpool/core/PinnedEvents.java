package io.github.pgpool.core;

import java.io.IOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingFile;

/**
 * An in-process JFR recording of {@code jdk.VirtualThreadPinned} (threshold 0, with stacks): every time a virtual
 * thread blocked while it could not leave its carrier. Before the workload, one virtual thread pins on purpose (it
 * parks inside a class initializer, which pins on every JDK), so a recording that sees nothing because JFR did not
 * record is told apart from a clean run. A class is initialised once per JVM, so one recording per test JVM may be
 * started; a second start fails rather than run without its control. Used by one test thread.
 */
final class PinnedEvents implements AutoCloseable {
    static final String EVENT = "jdk.VirtualThreadPinned";
    private static final String PGPOOL = "io.github.pgpool.";

    private static final java.util.concurrent.atomic.AtomicBoolean STARTED =
            new java.util.concurrent.atomic.AtomicBoolean();

    private final Recording recording = new Recording();
    private List<RecordedEvent> events;

    /** Starts recording, then pins one virtual thread on purpose, so the recording must hold at least that one. */
    static PinnedEvents start() throws InterruptedException {
        if (!STARTED.compareAndSet(false, true)) {
            throw new IllegalStateException("one PinnedEvents recording per JVM: its control pins only once");
        }
        PinnedEvents p = new PinnedEvents();
        p.recording.enable(EVENT).withThreshold(Duration.ZERO).withStackTrace();
        p.recording.start();
        ExecutorService one = VirtualThreads.perTaskExecutor();
        one.execute(PinnedOnPurpose::touch);
        one.shutdown();
        if (!one.awaitTermination(30, TimeUnit.SECONDS)) {
            throw new AssertionError("the virtual thread that pins on purpose did not end within 30 s");
        }
        return p;
    }

    /** Stops the recording and reads its events. */
    void stop() throws IOException {
        recording.stop();
        Path file = Files.createTempFile("pgpool-pinned", ".jfr");
        try {
            recording.dump(file);
            events = RecordingFile.readAllEvents(file);
        } finally {
            Files.deleteIfExists(file);
        }
    }

    /** @return whether the pinning on purpose was recorded, proof that the recording sees pinning at all */
    boolean sawControl() {
        return events.stream().anyMatch(PinnedEvents::isControl);
    }

    /** @return every pinned event but the one on purpose */
    List<RecordedEvent> others() {
        List<RecordedEvent> result = new ArrayList<>();
        for (RecordedEvent e : events) {
            if (e.getEventType().getName().equals(EVENT) && !isControl(e)) {
                result.add(e);
            }
        }
        return result;
    }

    /**
     * @return the pinned events that were the JVM loading or initialising a class, not code holding a lock: a
     *     virtual thread waiting while another thread initialised one of the JDK's own classes (seen:
     *     {@code sun.nio.ch.Poller}, initialised by the first virtual thread that reads a socket, while the next one
     *     waits; JDK 24 and newer name the reason), or waiting in a class loader for a class another thread is loading
     *     (seen: a pgjdbc class on the path of an error response, met for the first time by two virtual threads at
     *     once). Each happens once per class and JVM, whatever the code above does.
     */
    List<RecordedEvent> classLoading() {
        List<RecordedEvent> result = new ArrayList<>();
        for (RecordedEvent e : others()) {
            if (isClassLoading(e)) {
                result.add(e);
            }
        }
        return result;
    }

    /**
     * @return the pinned events that have a frame of pgpool's main code (not of its tests), or whose stack JFR cut
     *     short, so that a pgpool frame beyond the cut cannot hide; not those of {@link #classLoading()}
     */
    List<RecordedEvent> inPgpool() {
        List<RecordedEvent> result = new ArrayList<>();
        for (RecordedEvent e : others()) {
            if (isClassLoading(e)) {
                continue;
            }
            if (e.getStackTrace() == null || e.getStackTrace().isTruncated()
                    || e.getStackTrace().getFrames().stream().anyMatch(PinnedEvents::isMainCodeFrame)) {
                result.add(e);
            }
        }
        return result;
    }

    /** @return the stack of an event, one frame a line, for an assertion message */
    static String describe(RecordedEvent e) {
        StringBuilder b = new StringBuilder(EVENT).append(" duration=").append(e.getDuration().toNanos())
                .append("ns");
        for (jdk.jfr.ValueDescriptor field : e.getFields()) {
            String name = field.getName();
            if (!name.equals("stackTrace") && !name.equals("duration") && !name.equals("startTime")) {
                b.append(' ').append(name).append('=').append(String.valueOf((Object) e.getValue(name)).trim());
            }
        }
        if (e.getStackTrace() == null) {
            return b.append(" (no stack)").toString();
        }
        for (RecordedFrame f : e.getStackTrace().getFrames()) {
            b.append("\n    at ").append(f.getMethod().getType().getName()).append('.')
                    .append(f.getMethod().getName()).append(" line ").append(f.getLineNumber());
        }
        return b.append(e.getStackTrace().isTruncated() ? "\n    ... (truncated)" : "").toString();
    }

    @Override
    public void close() {
        recording.close();
    }

    private static boolean isClassLoading(RecordedEvent e) {
        return isJdkInitialisation(e) || e.getStackTrace() != null && e.getStackTrace().getFrames().stream()
                .limit(8).anyMatch(PinnedEvents::isLoadClassFrame);
    }

    private static boolean isLoadClassFrame(RecordedFrame f) {
        String type = f.getMethod().getType().getName();
        return f.getMethod().getName().startsWith("loadClass")
                && (type.equals("java.lang.ClassLoader") || type.startsWith("jdk.internal.loader."));
    }

    private static boolean isJdkInitialisation(RecordedEvent e) {
        if (!e.hasField("pinnedReason")) {
            return false; // JDK 21 to 23 do not say why: count it
        }
        String reason = e.getString("pinnedReason");
        String prefix = "Waited for initialization of ";
        if (reason == null || !reason.startsWith(prefix) || !reason.endsWith(" by another thread")) {
            return false;
        }
        String type = reason.substring(prefix.length());
        return type.startsWith("java.") || type.startsWith("javax.") || type.startsWith("sun.")
                || type.startsWith("jdk.") || type.startsWith("com.sun.");
    }

    private static boolean isControl(RecordedEvent e) {
        return e.getStackTrace() != null && e.getStackTrace().getFrames().stream()
                .anyMatch(f -> f.getMethod().getType().getName().equals(PinnedOnPurpose.class.getName()));
    }

    /** A frame of a class under io.github.pgpool that was loaded from somewhere else than the tests' classes. */
    private static boolean isMainCodeFrame(RecordedFrame f) {
        String name = f.getMethod().getType().getName();
        if (!name.startsWith(PGPOOL)) {
            return false;
        }
        int lambda = name.indexOf("$$Lambda");
        String declaring = lambda < 0 ? name : name.substring(0, lambda);
        try {
            Class<?> c = Class.forName(declaring, false, PinnedEvents.class.getClassLoader());
            return !sameLocation(c, PinnedEvents.class);
        } catch (ClassNotFoundException | LinkageError e) {
            return true; // cannot tell: count it, rather than let a pgpool frame pass
        }
    }

    private static boolean sameLocation(Class<?> a, Class<?> b) {
        CodeSource ca = a.getProtectionDomain().getCodeSource();
        CodeSource cb = b.getProtectionDomain().getCodeSource();
        URL la = ca == null ? null : ca.getLocation();
        URL lb = cb == null ? null : cb.getLocation();
        return la != null && la.equals(lb);
    }

    /** Parks in its class initializer: a virtual thread running a class initializer cannot leave its carrier. */
    static final class PinnedOnPurpose {
        static {
            LockSupport.parkNanos(5_000_000L);
        }

        private PinnedOnPurpose() {
        }

        static void touch() {
            // Initialising the class is the point.
        }
    }
}
