package io.github.pgpool.it;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Stops and starts the local PostgreSQL cluster with {@code pg_ctlcluster}, for the restart scenario. Needs root
 * and a Debian-style cluster under /etc/postgresql; without them {@link #require()} skips with the reason on a
 * developer's machine and fails when {@code CI=true}, where the scenario must run.
 */
public final class PgCluster {
    private static final Path PG_CTLCLUSTER = Path.of("/usr/bin/pg_ctlcluster");

    private final String version;

    private PgCluster(String version) {
        this.version = version;
    }

    /** The cluster to restart, or a skipped (CI: failed) test that says why there is none. */
    public static PgCluster require() {
        String[] versions = new File("/etc/postgresql").list();
        String version = null;
        if (versions != null && versions.length > 0) {
            Arrays.sort(versions);
            version = versions[versions.length - 1];
        }
        String user = System.getProperty("user.name");
        String server = ItEnv.server().host();
        boolean local = server.equals("127.0.0.1") || server.equals("localhost") || server.equals("::1");
        boolean usable = version != null && Files.isExecutable(PG_CTLCLUSTER) && "root".equals(user) && local;
        String reason = "restarting PostgreSQL needs root, " + PG_CTLCLUSTER + " and a local cluster under "
                + "/etc/postgresql (user=" + user + ", cluster=" + version + ", server=" + server + ")";
        if (!usable && "true".equals(System.getenv("CI"))) {
            throw new IllegalStateException("CI=true, but " + reason);
        }
        Assumptions.assumeTrue(usable, reason);
        return new PgCluster(version);
    }

    public void stop() {
        run("stop");
    }

    public void start() {
        run("start");
    }

    private void run(String action) {
        try {
            Process p = new ProcessBuilder(PG_CTLCLUSTER.toString(), "--skip-systemctl-redirect", version, "main", action)
                    .redirectErrorStream(true).start();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("pg_ctlcluster " + action + " did not finish within 60 s");
            }
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (p.exitValue() != 0) {
                throw new IllegalStateException("pg_ctlcluster " + version + " main " + action + " exited with "
                        + p.exitValue() + ": " + output.strip());
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot run pg_ctlcluster " + action, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted during pg_ctlcluster " + action, e);
        }
    }

    /** Whether PostgreSQL accepts a new connection right now. */
    public static boolean accepting() {
        try (Connection c = AdminDb.connect(null)) {
            return c.isValid(2);
        } catch (SQLException e) {
            return false;
        }
    }
}
