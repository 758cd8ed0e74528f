package io.github.pgpool.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An application server in an operating-system process of its own, started by a test: start it and wait until its
 * log says it is ready (with a deadline, failing at once when the process ends or the log reports a failure), kill it
 * the hard way ({@code SIGKILL}, what {@code kill -9} sends: no shutdown hook, no flush, exactly a crash), or stop it
 * gracefully. Every start writes the console to a log file of its own in the given directory
 * ({@code <name>-<n>.log}), so the runs before and after a crash can be read side by side.
 *
 * <p>Used by one test thread at a time; not thread-safe.
 */
public final class ServerProcess {
    private final String name;
    private final List<String> command;
    private final Map<String, String> environment;
    private final Path logDir;
    private Process process;
    private Path log;
    private int starts;

    /**
     * @param command the command line of a start; the process and all its descendants count as the server
     * @param environment added to this JVM's environment for the process
     */
    public ServerProcess(String name, List<String> command, Map<String, String> environment, Path logDir) {
        this.name = name;
        this.command = List.copyOf(command);
        this.environment = Map.copyOf(environment);
        this.logDir = logDir;
    }

    /**
     * Starts the server with the command given at construction plus {@code extraArgs}, and waits until a line of its
     * log matches {@code ready}. Fails when the process ends first, when a line matches {@code failure}, or after
     * {@code timeout}; the message quotes the end of the log.
     *
     * @return how long the start took
     */
    public Duration start(List<String> extraArgs, Pattern ready, Pattern failure, Duration timeout) {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException(name + " is already running (pid " + process.pid() + ")");
        }
        List<String> line = new ArrayList<>(command);
        line.addAll(extraArgs);
        starts++;
        log = logDir.resolve(name + "-" + starts + ".log");
        long began = System.nanoTime();
        try {
            Files.createDirectories(logDir);
            Files.writeString(log, "# " + String.join(" ", line) + System.lineSeparator(), StandardCharsets.UTF_8);
            ProcessBuilder builder = new ProcessBuilder(line).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
            builder.environment().putAll(environment);
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name + ": " + line, e);
        }
        long deadline = began + timeout.toNanos();
        while (true) {
            String text = logText();
            Matcher bad = failure.matcher(text);
            if (bad.find()) {
                String found = bad.group();
                kill();
                throw new AssertionError(name + " reported a failure while starting: " + found + "\n" + tail(text));
            }
            if (ready.matcher(text).find()) {
                return Duration.ofNanos(System.nanoTime() - began);
            }
            if (!process.isAlive()) {
                throw new AssertionError(name + " ended with exit code " + process.exitValue()
                        + " before it was ready (log " + log + ")\n" + tail(text));
            }
            if (System.nanoTime() - deadline > 0) {
                kill();
                throw new AssertionError(name + " not ready within " + timeout.toSeconds() + " s (log " + log + ")\n"
                        + tail(text));
            }
            // Polling the log: the condition is a line the server writes, checked every 200 ms up to the deadline.
            LockSupport.parkNanos(Duration.ofMillis(200).toNanos());
        }
    }

    /**
     * SIGKILL to the server's JVM and every other process it started (what {@code kill -9} does), then waits until
     * they are gone.
     */
    public void kill() {
        if (process == null) {
            return;
        }
        List<ProcessHandle> all = new ArrayList<>(process.descendants().toList());
        all.add(process.toHandle());
        all.forEach(ProcessHandle::destroyForcibly);
        for (ProcessHandle p : all) {
            Poll.until(name + " (pid " + p.pid() + ") gone after SIGKILL", Duration.ofSeconds(30), p::isAlive,
                    alive -> !alive);
        }
    }

    /** SIGTERM (the server shuts down in order), SIGKILL after a minute. */
    public void stop() {
        if (process == null || !process.isAlive()) {
            return;
        }
        List<ProcessHandle> all = new ArrayList<>(process.descendants().toList());
        all.add(process.toHandle());
        all.forEach(ProcessHandle::destroy);
        try {
            for (ProcessHandle p : all) {
                p.onExit().get(60, TimeUnit.SECONDS);
            }
        } catch (Exception e) {
            kill();
        }
    }

    /** The log of the latest start. */
    public Path log() {
        return log;
    }

    /** The text of the latest start's log. */
    public String logText() {
        try {
            // Decoded leniently: a server may write bytes that are not UTF-8.
            return new String(Files.readAllBytes(log), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    private static String tail(String text) {
        return text.length() <= 6000 ? text : "..." + text.substring(text.length() - 6000);
    }

    @Override
    public String toString() {
        return name + (process == null ? " (never started)" : " (pid " + process.pid() + ", log " + log + ")");
    }
}
