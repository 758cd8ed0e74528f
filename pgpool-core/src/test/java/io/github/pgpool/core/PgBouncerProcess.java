package io.github.pgpool.core;

import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Debian's PgBouncer as a child process of the test, in transaction pooling on a loopback port in front of one
 * database, started, stopped and restarted by the tests (never the system service, which {@code .ci/run} leaves
 * disabled). It runs as the {@code postgres} user (PgBouncer refuses root). A PgBouncer left over from an
 * interrupted run is found by its pid file and stopped first. Not thread-safe; one test class drives it.
 */
final class PgBouncerProcess implements AutoCloseable {
    static final String HOST = "127.0.0.1";
    private static final Path DIR = Path.of("/tmp/pgpool_h3_pgbouncer");

    final int port;
    final String database;
    private final LocalCluster backend;
    private Process process;

    private PgBouncerProcess(int port, LocalCluster backend, String database) {
        this.port = port;
        this.backend = backend;
        this.database = database;
    }

    /** Writes the configuration and starts PgBouncer in front of {@code database} on {@code backend}. */
    static PgBouncerProcess start(int port, LocalCluster backend, String database, int defaultPoolSize) {
        stopLeftover();
        PgBouncerProcess b = new PgBouncerProcess(port, backend, database);
        b.configure(defaultPoolSize);
        b.start();
        return b;
    }

    private static void stopLeftover() {
        Path pidFile = DIR.resolve("pgbouncer.pid");
        try {
            if (Files.exists(pidFile)) {
                long pid = Long.parseLong(Files.readString(pidFile).trim());
                Optional<ProcessHandle> h = ProcessHandle.of(pid);
                if (h.isPresent() && h.get().info().command().orElse("").endsWith("pgbouncer")) {
                    h.get().destroyForcibly();
                    h.get().onExit().get(10, TimeUnit.SECONDS);
                }
            }
        } catch (IOException | NumberFormatException | java.util.concurrent.ExecutionException
                | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("cannot stop the PgBouncer left over in " + DIR, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private void configure(int defaultPoolSize) {
        HostCommands.run(30, "rm", "-rf", DIR.toString());
        HostCommands.run(30, "install", "-d", "-o", HostCommands.SERVICE_USER, "-g", HostCommands.SERVICE_USER,
                "-m", "755", DIR.toString());
        write("userlist.txt", "\"postgres\" \"\"\n");
        write("pgbouncer.ini", String.join("\n",
                "[databases]",
                database + " = host=" + LocalCluster.HOST + " port=" + backend.port + " dbname=" + database,
                "[pgbouncer]",
                "listen_addr = " + HOST,
                "listen_port = " + port,
                "unix_socket_dir =",
                "auth_type = trust",
                "auth_file = " + DIR.resolve("userlist.txt"),
                "admin_users = postgres",
                "pool_mode = transaction",
                "default_pool_size = " + defaultPoolSize,
                "max_client_conn = 200",
                // After a restart of the server behind it, PgBouncer tries to log in again soon.
                "server_login_retry = 1",
                "logfile = " + DIR.resolve("pgbouncer.log"),
                "pidfile = " + DIR.resolve("pgbouncer.pid"),
                ""));
        HostCommands.run(30, "chown", "-R", HostCommands.SERVICE_USER + ":" + HostCommands.SERVICE_USER,
                DIR.toString());
    }

    /** Starts PgBouncer and waits until it accepts TCP connections. */
    void start() {
        if (listening()) {
            throw new IllegalStateException("port " + port + " is taken by another process; PgBouncer cannot start");
        }
        List<String> cmd = new ArrayList<>(HostCommands.asServiceUser());
        cmd.addAll(List.of("pgbouncer", DIR.resolve("pgbouncer.ini").toString()));
        try {
            process = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(new File(DIR.toFile(), "stdout.log"))).start();
        } catch (IOException e) {
            throw new IllegalStateException("cannot start " + cmd, e);
        }
        Await.until("PgBouncer to listen on " + port, Duration.ofSeconds(20), () -> listening() || !process.isAlive(),
                this::log);
        if (!process.isAlive()) {
            throw new IllegalStateException("PgBouncer exited at start: " + log());
        }
    }

    /**
     * Stops PgBouncer as Debian's service does ({@code KillSignal=SIGINT}: a safe shutdown, which in transaction
     * pooling closes idle clients at once) and waits for its exit.
     */
    void stop() {
        if (process == null) {
            return;
        }
        HostCommands.tryRun(10, "kill", "-INT", Long.toString(process.pid()));
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        process = null;
        Await.until("port " + port + " to close", Duration.ofSeconds(10), () -> !listening());
    }

    void restart() {
        stop();
        start();
    }

    private boolean listening() {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(HOST, port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** @return the JDBC URL of the database through PgBouncer, without properties */
    String url() {
        return "jdbc:postgresql://" + HOST + ":" + port + "/" + database;
    }

    /**
     * @return PgBouncer's client connections to the database now ({@code SHOW CLIENTS} on its admin console),
     *     optionally only those with the given application name
     */
    int clients(String applicationName) {
        // psql, not pgjdbc: the admin console refuses the SET that pgjdbc sends to a server it takes for an old one.
        String out = HostCommands.run(20, "psql", "-h", HOST, "-p", Integer.toString(port), "-U", "postgres",
                "-d", "pgbouncer", "-AtF", "|", "-c", "SHOW CLIENTS");
        int n = 0;
        for (String line : out.split("\n")) {
            String[] f = line.split("\\|", -1);
            // Columns: type|user|database|state|...|application_name (the last one).
            if (f.length > 3 && f[2].equals(database)
                    && (applicationName == null || applicationName.equals(f[f.length - 1]))) {
                n++;
            }
        }
        return n;
    }

    String log() {
        try {
            Path log = DIR.resolve("pgbouncer.log");
            String s = Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
            return s.length() > 3000 ? s.substring(s.length() - 3000) : s;
        } catch (IOException e) {
            return e.toString();
        }
    }

    private void write(String file, String text) {
        try {
            Files.writeString(DIR.resolve(file), text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write " + DIR.resolve(file), e);
        }
    }

    @Override
    public void close() {
        stop();
        HostCommands.tryRun(30, "rm", "-rf", DIR.toString());
    }
}
