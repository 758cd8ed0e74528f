package io.github.pgpool.bench;

import io.github.pgpool.bench.payara.BenchNames;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Embedded Payara with pgpool.rar, Payara's own JDBC pool and the benchmark WAR
 * ({@code io.github.pgpool.bench.payara.BenchServer}), in a child JVM: the benchmark JVMs have pgpool-core and pgjdbc on their classpath, and embedded Payara in such a JVM would
 * load the adapter's classes from there instead of from the .rar. The child is started once and serves every
 * benchmark and the trace of the Payara part; its output goes to {@code results/payara-server.log}.
 *
 * <p>Needs what {@code mvn -Pbench package -pl pgpool-bench} writes to {@code target/payara/}: the child's classpath
 * ({@code classpath.txt}, {@code *-payara-server.jar}) and {@code pgpool-rar.rar}.
 */
final class PayaraProcess implements AutoCloseable {
    /** HTTP port of the benchmark server (all its ports are in 29xxx, see DomainXml). */
    static final int HTTP_PORT = Integer.getInteger("bench.payara.httpPort", 29080);
    /** JDK 17 flags embedded Payara needs (as in pgpool-demo's jvm.args; see REFERENCE.md). */
    private static final List<String> JDK17_FLAGS = List.of("--add-opens=java.base/java.lang=ALL-UNNAMED",
            "--add-opens=java.base/java.net=ALL-UNNAMED", "--add-opens=java.base/sun.net.www.protocol.jar=ALL-UNNAMED",
            "--add-opens=java.naming/javax.naming.spi=ALL-UNNAMED", "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
            "--add-opens=java.management/sun.management=ALL-UNNAMED",
            "--add-opens=jdk.management/com.sun.management.internal=ALL-UNNAMED",
            "--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED", "--add-opens=java.base/java.io=ALL-UNNAMED",
            "--add-opens=java.base/java.util=ALL-UNNAMED", "--add-opens=java.base/java.nio=ALL-UNNAMED",
            "--add-opens=java.base/java.lang.invoke=ALL-UNNAMED",
            "--add-opens=java.base/jdk.internal.loader=ALL-UNNAMED",
            "--add-opens=java.rmi/sun.rmi.transport=ALL-UNNAMED",
            "--add-opens=java.logging/java.util.logging=ALL-UNNAMED");

    private final Process process;
    private final Path log;
    /** Seconds from launch to READY (boot, adapter, pools, WAR). */
    final double startSeconds;

    private PayaraProcess(Process process, Path log, double startSeconds) {
        this.process = process;
        this.log = log;
        this.startSeconds = startSeconds;
    }

    /**
     * Starts the server with pools of {@code maxSize} and pgpool's Cleanup {@code cleanup}, and waits (up to 3
     * minutes) until it serves.
     */
    static PayaraProcess start(Path out, int maxSize, String cleanup) throws IOException, InterruptedException {
        Path dir = Path.of(System.getProperty("bench.payara.dir", "target/payara")).toAbsolutePath();
        Path rar = dir.resolve("pgpool-rar.rar");
        Path classpathFile = dir.resolve("classpath.txt");
        Path serverJar;
        try (Stream<Path> files = Files.list(dir)) {
            serverJar = files.filter(p -> p.getFileName().toString().endsWith("-payara-server.jar")).findFirst()
                    .orElse(null);
        }
        if (!Files.isRegularFile(rar) || !Files.isRegularFile(classpathFile) || serverJar == null) {
            throw new IllegalStateException("the Payara part needs " + dir + "/{pgpool-rar.rar, classpath.txt, "
                    + "*-payara-server.jar}: build with mvn -Pbench package -pl pgpool-bench after installing "
                    + "pgpool-rar (run.sh does both)");
        }
        Path work = dir.resolve("server");
        deleteTree(work);
        Files.createDirectories(work);
        Path logging = work.resolve("logging.properties");
        try (InputStream in = BenchNames.class.getResourceAsStream("logging.properties")) {
            Files.copy(in, logging);
        }
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xms256m");
        cmd.add("-Xmx640m");
        cmd.addAll(JDK17_FLAGS);
        // Extra flags for the server JVM, e.g. -Dbench.payara.jvmArgs=-XX:StartFlightRecording=filename=/tmp/p.jfr
        String extra = System.getProperty("bench.payara.jvmArgs", "").trim();
        if (!extra.isEmpty()) {
            cmd.addAll(List.of(extra.split("\\s+")));
        }
        cmd.add("-Djava.util.logging.config.file=" + logging);
        cmd.add("-Dglassfish.embedded.tmpdir=" + work.resolve("instance"));
        cmd.add("-Dbench.payara.rar=" + rar);
        cmd.add("-Dbench.payara.dir=" + work);
        cmd.add("-Dbench.payara.httpPort=" + HTTP_PORT);
        cmd.add("-Dbench.payara.maxSize=" + maxSize);
        cmd.add("-Dbench.payara.cleanup=" + cleanup);
        cmd.add("-Dbench.pg.host=" + PgDatabase.host());
        cmd.add("-Dbench.pg.port=" + PgDatabase.port());
        cmd.add("-Dbench.pg.user=" + PgDatabase.user());
        cmd.add("-cp");
        cmd.add(serverJar + File.pathSeparator + Files.readString(classpathFile).trim());
        cmd.add(BenchNames.SERVER_CLASS);
        Path log = out.resolve("payara-server.log");
        long t0 = System.nanoTime();
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        PayaraProcess server = new PayaraProcess(p, log, 0);
        long deadline = t0 + TimeUnit.MINUTES.toNanos(3);
        while (true) {
            String text = Files.readString(log, StandardCharsets.UTF_8);
            if (text.contains(BenchNames.READY)) {
                return new PayaraProcess(p, log, (System.nanoTime() - t0) / 1e9);
            }
            if (!p.isAlive() || System.nanoTime() - deadline > 0) {
                server.close();
                throw new IllegalStateException("the Payara server did not start (" + (p.isAlive() ? "timeout"
                        : "exit " + p.exitValue()) + "); see " + log.toAbsolutePath() + ":\n" + tail(text));
            }
            Thread.sleep(200);
        }
    }

    /**
     * Starts the server alone (MaxSize 8, Cleanup 1 s) for benchmarks or profiling by hand, and stops it when
     * standard input ends (Enter, or Ctrl-D). Run from pgpool-bench/ after a build (see README.md).
     */
    public static void main(String[] args) throws Exception {
        PgDatabase.prepare();
        Path out = Path.of(System.getProperty("bench.out", "results"));
        Files.createDirectories(out);
        try (PayaraProcess server = start(out, 8, "1")) {
            System.out.printf("Payara up in %.1f s: http://127.0.0.1:%d%s (pool=pgpool|payara|pgpool-unpooled); "
                    + "log %s. Enter stops it.%n", server.startSeconds, HTTP_PORT, path("pgpool", 1), server.log);
            System.in.read();
        }
    }

    /** Path and query of one request: {@code n} selects through {@code pool} ("pgpool" or "payara"). */
    static String path(String pool, int n) {
        return "/" + BenchNames.CONTEXT_ROOT + "/select?pool=" + pool + "&n=" + n;
    }

    /** Stops the server: closing its standard input is its signal; forced after 30 s. */
    @Override
    public void close() throws InterruptedException {
        try {
            process.getOutputStream().close();
        } catch (IOException e) {
            // already gone
        }
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }

    Path log() {
        return log;
    }

    private static String tail(String text) {
        String[] lines = text.split("\n");
        return String.join("\n", List.of(lines).subList(Math.max(0, lines.length - 30), lines.length));
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted((a, b) -> b.getNameCount() - a.getNameCount()).toList()) {
                Files.delete(p);
            }
        }
    }
}
