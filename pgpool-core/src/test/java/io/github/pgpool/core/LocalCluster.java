package io.github.pgpool.core;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Properties;

/**
 * A throwaway PostgreSQL cluster of the tests' own on a loopback port, made with Debian's {@code pg_createcluster}
 * and removed with {@code pg_dropcluster}, so that tests may stop, promote and rebuild servers without touching the
 * shared cluster on 5432. A leftover of the same name (an interrupted run) is dropped first, so creation is
 * idempotent. Small and unsafe on purpose: trust authentication on 127.0.0.1 only, {@code fsync=off}, few
 * connections. Not thread-safe; one test class drives it.
 */
final class LocalCluster implements AutoCloseable {
    static final String HOST = "127.0.0.1";

    final String name;
    final int port;
    private final String version = HostCommands.postgresVersion();

    private LocalCluster(String name, int port) {
        if (!name.startsWith("pgpool_h3_")) {
            throw new IllegalArgumentException("test clusters carry the prefix pgpool_h3_: " + name);
        }
        this.name = name;
        this.port = port;
    }

    /** Makes (anew) a stopped primary cluster. */
    static LocalCluster primary(String name, int port) {
        LocalCluster c = new LocalCluster(name, port);
        c.dropLeftover();
        c.createConfigured();
        return c;
    }

    /** Makes (anew) a stopped streaming standby of {@code primary}, which must be running. */
    static LocalCluster standbyOf(LocalCluster primary, String name, int port) {
        LocalCluster c = new LocalCluster(name, port);
        c.dropLeftover();
        c.createConfigured();
        c.replaceDataWithBaseBackupOf(primary);
        return c;
    }

    private void createConfigured() {
        HostCommands.run(60, "pg_createcluster", version, name, "-p", Integer.toString(port), "--start-conf=manual",
                "--", "--auth=trust", "--no-sync");
        // pg_createcluster's -o writes values unquoted, which breaks listen_addresses: use Debian's conf.d instead.
        write(Path.of("/etc/postgresql", version, name, "conf.d", "pgpool_h3.conf"),
                "listen_addresses = '" + HOST + "'\n"
                        + "shared_buffers = '16MB'\n"
                        + "max_connections = 60\n"
                        + "fsync = off\n"
                        + "wal_level = replica\n"
                        + "max_wal_senders = 4\n"
                        + "hot_standby = on\n"
                        // A standby that lost its primary tries again soon, so a rebuilt standby follows quickly.
                        + "wal_retrieve_retry_interval = '200ms'\n");
    }

    /**
     * Turns TLS on from the next start, with a self-signed certificate for 127.0.0.1 made now with {@code openssl}
     * in the cluster's configuration directory (which {@link #close()} removes).
     */
    void enableTls() {
        Path dir = Path.of("/etc/postgresql", version, name);
        String crt = dir.resolve("pgpool_h3_server.crt").toString();
        String key = dir.resolve("pgpool_h3_server.key").toString();
        HostCommands.run(60, "openssl", "req", "-new", "-x509", "-days", "2", "-nodes", "-newkey", "rsa:2048",
                "-subj", "/CN=" + HOST, "-keyout", key, "-out", crt);
        HostCommands.run(30, "chown", HostCommands.SERVICE_USER + ":" + HostCommands.SERVICE_USER, crt, key);
        HostCommands.run(30, "chmod", "600", key); // PostgreSQL refuses a key others can read
        write(dir.resolve("conf.d").resolve("pgpool_h3_tls.conf"),
                "ssl = on\nssl_cert_file = '" + crt + "'\nssl_key_file = '" + key + "'\n");
    }

    /**
     * Replaces this (stopped) cluster's data with a base backup of {@code primary}, written with {@code -R} so that
     * it starts as that primary's streaming standby.
     */
    void replaceDataWithBaseBackupOf(LocalCluster primary) {
        Path data = dataDirectory();
        HostCommands.run(30, "rm", "-rf", data.toString());
        HostCommands.run(30, "install", "-d", "-o", HostCommands.SERVICE_USER, "-g", HostCommands.SERVICE_USER,
                "-m", "700", data.toString());
        java.util.List<String> cmd = new java.util.ArrayList<>(HostCommands.asServiceUser());
        cmd.addAll(java.util.List.of("pg_basebackup", "-h", HOST, "-p", Integer.toString(primary.port), "-U",
                "postgres", "-D", data.toString(), "-R", "-X", "stream", "-c", "fast"));
        HostCommands.run(120, cmd.toArray(new String[0]));
    }

    Path dataDirectory() {
        return Path.of("/var/lib/postgresql", version, name);
    }

    void start() {
        HostCommands.run(60, "pg_ctlcluster", "--skip-systemctl-redirect", version, name, "start");
    }

    /** Stops the server; {@code mode} is {@code fast} (clean, replicas get all WAL) or {@code immediate} (a crash). */
    void stop(String mode) {
        HostCommands.run(60, "pg_ctlcluster", "--skip-systemctl-redirect", version, name, "stop", "-m", mode);
    }

    /** Stops the server (fast) if it runs. */
    void ensureStopped() {
        if (!HostCommands.tryRun(30, "pg_ctlcluster", "--skip-systemctl-redirect", version, name, "status")
                .contains("no server running")) {
            stop("fast");
        }
    }

    void restart() {
        HostCommands.run(60, "pg_ctlcluster", "--skip-systemctl-redirect", version, name, "restart", "-m", "fast");
    }

    /** Promotes this standby and returns once it accepts writes ({@code pg_ctl promote} waits for that). */
    void promote() {
        HostCommands.run(60, "pg_ctlcluster", "--skip-systemctl-redirect", version, name, "promote");
    }

    /** @return a JDBC URL of one database of this cluster, as the admin */
    String url(String database) {
        return "jdbc:postgresql://" + HOST + ":" + port + "/" + database + "?user=postgres";
    }

    /** @return an admin connection to {@code database}, failing within 5 s */
    Connection admin(String database) throws SQLException {
        Properties p = new Properties();
        p.setProperty("connectTimeout", "5");
        p.setProperty("loginTimeout", "5");
        p.setProperty("ApplicationName", "pgpool_h3_admin");
        return DriverManager.getConnection(url(database), p);
    }

    /** Runs statements as the admin; each in autocommit. */
    void run(String database, String... sql) {
        try (Connection c = admin(database); Statement s = c.createStatement()) {
            for (String q : sql) {
                s.execute(q);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(name + ": " + e.getMessage(), e);
        }
    }

    /** @return the first column of the first row of {@code sql} */
    String query(String database, String sql) throws SQLException {
        try (Connection c = admin(database); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    /** @return whether the server answers and writes (not in recovery, not read-only), false if it is down */
    boolean acceptsWrites() {
        try {
            return "false|off".equals(query("postgres",
                    "SELECT pg_is_in_recovery()::text || '|' || current_setting('transaction_read_only')"));
        } catch (SQLException e) {
            return false;
        }
    }

    /** Waits until {@code standby} streams from this primary. */
    void awaitStreamingTo(LocalCluster standby, Duration limit) {
        Await.until(standby.name + " to stream from " + name, limit, () -> {
            try {
                // pg_ctlcluster names each server "version/cluster", which the standby reports as its name.
                return "streaming".equals(query("postgres", "SELECT state FROM pg_stat_replication "
                        + "WHERE application_name = '" + standby.version + "/" + standby.name + "'"));
            } catch (SQLException e) {
                return false;
            }
        });
    }

    private void dropLeftover() {
        String clusters = HostCommands.tryRun(30, "pg_lsclusters", "-h");
        for (String line : clusters.split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length > 2 && f[1].equals(name)) {
                HostCommands.tryRun(60, "pg_dropcluster", "--stop", f[0], name);
            } else if (f.length > 2 && f[2].equals(Integer.toString(port))) {
                throw new IllegalStateException("port " + port + " already belongs to cluster " + f[0] + "/" + f[1]
                        + ", not to this test's " + name);
            }
        }
        removeFiles();
    }

    private void removeFiles() {
        // pg_dropcluster leaves directories holding files it did not make (our conf.d file).
        HostCommands.tryRun(30, "rm", "-rf", Path.of("/etc/postgresql", version, name).toString(),
                dataDirectory().toString());
    }

    /** Stops and removes the cluster with its configuration and data. */
    @Override
    public void close() {
        HostCommands.tryRun(60, "pg_dropcluster", "--stop", version, name);
        removeFiles();
    }

    private static void write(Path file, String text) {
        try {
            Files.writeString(file, text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write " + file, e);
        }
    }

    @Override
    public String toString() {
        return name + "@" + HOST + ":" + port;
    }
}
