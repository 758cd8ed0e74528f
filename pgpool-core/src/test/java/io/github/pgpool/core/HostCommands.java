package io.github.pgpool.core;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Runs the machine's own tools (Debian's PostgreSQL cluster commands, pg_basebackup, PgBouncer) for the tests that
 * need servers of their own: with a deadline, output captured for the failure message. Those tools need root (they
 * run the servers as the {@code postgres} user themselves, as Debian's tools do). Without root the calling test is
 * skipped with a visible reason on a developer's machine and fails when {@code CI=true}. Stateless.
 */
final class HostCommands {
    /** The user that owns PostgreSQL's files and runs its servers and PgBouncer. */
    static final String SERVICE_USER = "postgres";

    private HostCommands() {
    }

    /** Skips (or, on CI, fails) unless this JVM may run the cluster tools, and names what is missing. */
    static void requireClusterTools(String what) {
        boolean root = "root".equals(System.getProperty("user.name"));
        boolean tools = Files.isExecutable(Path.of("/usr/bin/pg_createcluster"))
                && Files.isExecutable(Path.of("/usr/bin/pg_ctlcluster"));
        boolean bouncer = !what.contains("PgBouncer") || Files.isExecutable(Path.of("/usr/sbin/pgbouncer"));
        String reason = what + " needs root and Debian's pg_createcluster/pg_ctlcluster" + (what.contains("PgBouncer")
                ? " and pgbouncer" : "") + " (bash .ci/run installs them); user=" + System.getProperty("user.name")
                + ", cluster tools=" + tools + ", pgbouncer=" + bouncer;
        boolean ok = root && tools && bouncer;
        if (!ok && "true".equals(System.getenv("CI"))) {
            throw new IllegalStateException("CI=true but " + reason);
        }
        Assumptions.assumeTrue(ok, reason);
    }

    /** @return the newest PostgreSQL major version installed, such as {@code 15} */
    static String postgresVersion() {
        File[] versions = new File("/usr/lib/postgresql").listFiles(File::isDirectory);
        if (versions == null || versions.length == 0) {
            throw new IllegalStateException("no PostgreSQL under /usr/lib/postgresql");
        }
        String best = null;
        for (File v : versions) {
            if (v.getName().matches("\\d+") && (best == null || Integer.parseInt(v.getName()) > Integer.parseInt(best))) {
                best = v.getName();
            }
        }
        return best;
    }

    /**
     * Runs a command to its end.
     *
     * @return its output (stdout and stderr)
     * @throws IllegalStateException if it fails or outlives {@code timeoutSeconds}, with the command and its output
     */
    static String run(int timeoutSeconds, String... command) {
        return run(timeoutSeconds, true, command);
    }

    /** Runs a command and returns its output whatever its exit status (for look-ups and best-effort clean-ups). */
    static String tryRun(int timeoutSeconds, String... command) {
        return run(timeoutSeconds, false, command);
    }

    private static String run(int timeoutSeconds, boolean check, String... command) {
        try {
            File log = File.createTempFile("pgpool-h3-cmd", ".log");
            try {
                Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log).start();
                if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    throw new IllegalStateException(String.join(" ", command) + " did not finish within "
                            + timeoutSeconds + "s: " + read(log));
                }
                String out = read(log);
                if (check && p.exitValue() != 0) {
                    throw new IllegalStateException(String.join(" ", command) + " exited with " + p.exitValue()
                            + ": " + out);
                }
                return out;
            } finally {
                Files.deleteIfExists(log.toPath());
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + String.join(" ", command), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + String.join(" ", command), e);
        }
    }

    /** @return the command prefix that runs what follows as {@link #SERVICE_USER}, in the same process */
    static List<String> asServiceUser() {
        // setpriv executes the program in place (no intermediate process), so its pid is the program's own.
        return List.of("setpriv", "--reuid=" + SERVICE_USER, "--regid=" + SERVICE_USER, "--init-groups");
    }

    private static String read(File log) throws IOException {
        String s = Files.readString(log.toPath(), StandardCharsets.UTF_8).strip();
        return s.length() > 4000 ? s.substring(s.length() - 4000) : s;
    }
}
