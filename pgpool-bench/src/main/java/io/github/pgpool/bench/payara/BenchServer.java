package io.github.pgpool.bench.payara;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.glassfish.embeddable.CommandResult;
import org.glassfish.embeddable.CommandRunner;
import org.glassfish.embeddable.GlassFish;
import org.glassfish.embeddable.GlassFishProperties;
import org.glassfish.embeddable.GlassFishRuntime;

/**
 * The server side of the Payara part of the suite, run in a JVM of its own (started by {@code PayaraProcess}): boots
 * embedded Payara, deploys {@code pgpool.rar}, creates two pools of the same maximum size with asadmin commands, and
 * deploys a WAR holding {@link SelectServlet}:
 * <ul>
 *   <li>{@code jdbc/bench-pgpool}: a connector pool on the adapter, configured as pgpool's README advises
 *       ({@code XATransaction}, Payara's pooling on with steady-pool-size 0 and a max-pool-size of 64, above
 *       MaxSize so that pgpool's limits are the ones that apply, match-connections off) with MaxSize and Cleanup
 *       given;</li>
 *   <li>{@code jdbc/bench-pgpool-unpooled}: the same with Payara's pooling off, a diagnostic of what Payara's
 *       per-allocation path (a managed connection made and destroyed per request) costs;</li>
 *   <li>{@code jdbc/bench-payara}: Payara's own JDBC connection pool over
 *       {@code org.postgresql.ds.PGSimpleDataSource}
 *       with {@code max-pool-size} = MaxSize and Payara's defaults otherwise (steady-pool-size 8, idle-timeout
 *       300 s, max-wait 60 s, no validation).</li>
 * </ul>
 * Then it prints {@link BenchNames#READY} and serves until its standard input closes (the parent's way to stop it;
 * it also stops the server if the parent dies).
 *
 * <p>Its JVM classpath holds only payara-embedded-all, pgjdbc (Payara's JDBC pool loads PGSimpleDataSource from the
 * server's class path, and embedded Payara has no other) and this package. pgpool's own classes are not on it, so
 * the adapter runs from the .rar (see REFERENCE.md: embedded Payara asks the JVM classpath first).
 *
 * <p>System properties: {@code bench.payara.rar}, {@code bench.payara.dir} (work directory),
 * {@code bench.payara.httpPort}, {@code bench.payara.maxSize}, {@code bench.payara.cleanup},
 * {@code bench.pg.host}, {@code bench.pg.port}, {@code bench.pg.user}.
 */
public final class BenchServer {
    /** The benchmark database (PgDatabase.DATABASE). */
    private static final String DATABASE = "pgpool_bench";

    private BenchServer() {
    }

    /** Starts, serves until stdin closes, stops. */
    public static void main(String[] args) throws Exception {
        File rar = new File(required("bench.payara.rar"));
        Path dir = Path.of(required("bench.payara.dir"));
        int httpPort = Integer.getInteger("bench.payara.httpPort", 29080);
        String maxSize = System.getProperty("bench.payara.maxSize", "8");
        String cleanup = System.getProperty("bench.payara.cleanup", "1");
        String host = System.getProperty("bench.pg.host", "127.0.0.1");
        String port = System.getProperty("bench.pg.port", "5432");
        String user = System.getProperty("bench.pg.user", "postgres");
        Files.createDirectories(dir);

        long t0 = System.nanoTime();
        Path domain = dir.resolve("domain.xml");
        Files.writeString(domain, DomainXml.loopbackOnly(defaultDomainXml(), httpPort));
        GlassFishRuntime runtime = GlassFishRuntime.bootstrap();
        GlassFishProperties props = new GlassFishProperties();
        props.setConfigFileURI(domain.toUri().toString());
        props.setConfigFileReadOnly(true);
        GlassFish glassfish = runtime.newGlassFish(props);
        glassfish.start();
        long booted = System.nanoTime();
        try {
            if (glassfish.getDeployer().deploy(rar, "--name=pgpool") == null) {
                throw new IllegalStateException("Payara did not deploy " + rar);
            }
            CommandRunner asadmin = glassfish.getCommandRunner();
            Map<String, String> pgpool = new LinkedHashMap<>();
            pgpool.put("ServerName", host);
            pgpool.put("PortNumber", port);
            pgpool.put("DatabaseName", DATABASE);
            pgpool.put("User", user);
            pgpool.put("MaxSize", maxSize);
            pgpool.put("Cleanup", cleanup);
            pgpool.put("Expires", "0");
            pgpool.put("PoolName", "bench-payara");
            pgpool.put("DriverProperties", "ApplicationName=" + BenchNames.PGPOOL_APP);
            run(asadmin, "create-connector-connection-pool", "--raname=pgpool",
                    "--connectiondefinition=javax.sql.DataSource", "--transactionsupport=XATransaction",
                    "--matchconnections=false", "--steadypoolsize=0", "--maxpoolsize=64",
                    "--property=" + properties(pgpool), "benchPgpoolPool");
            run(asadmin, "create-connector-resource", "--poolname=benchPgpoolPool", BenchNames.PGPOOL_JNDI);
            // Diagnostic: the same adapter with Payara's pooling off.
            pgpool.put("PoolName", "bench-payara-unpooled");
            pgpool.put("DriverProperties", "ApplicationName=" + BenchNames.PGPOOL_UNPOOLED_APP);
            run(asadmin, "create-connector-connection-pool", "--raname=pgpool",
                    "--connectiondefinition=javax.sql.DataSource", "--transactionsupport=XATransaction",
                    "--pooling=false", "--matchconnections=false", "--steadypoolsize=0", "--maxpoolsize=64",
                    "--property=" + properties(pgpool),
                    "benchPgpoolUnpooledPool");
            run(asadmin, "create-connector-resource", "--poolname=benchPgpoolUnpooledPool",
                    BenchNames.PGPOOL_UNPOOLED_JNDI);

            Map<String, String> jdbc = new LinkedHashMap<>();
            jdbc.put("serverName", host);
            jdbc.put("portNumber", port);
            jdbc.put("databaseName", DATABASE);
            jdbc.put("user", user);
            // Payara's JDBC pool refuses a user without a password ("No password credential found"); "()" is
            // asadmin's empty value (trust authentication).
            jdbc.put("password", "()");
            jdbc.put("ApplicationName", BenchNames.PAYARA_APP);
            run(asadmin, "create-jdbc-connection-pool", "--datasourceclassname=org.postgresql.ds.PGSimpleDataSource",
                    "--restype=javax.sql.DataSource", "--maxpoolsize=" + maxSize, "--property=" + properties(jdbc),
                    "benchPayaraPool");
            run(asadmin, "create-jdbc-resource", "--connectionpoolid=benchPayaraPool", BenchNames.PAYARA_JNDI);

            File war = dir.resolve("bench.war").toFile();
            writeWar(war);
            String root = "--contextroot=" + BenchNames.CONTEXT_ROOT;
            if (glassfish.getDeployer().deploy(war, "--name=bench", root) == null) {
                throw new IllegalStateException("Payara did not deploy " + war);
            }
            System.out.printf("boot %.1f s, deployments %.1f s%n", (booted - t0) / 1e9,
                    (System.nanoTime() - booted) / 1e9);
            System.out.println(BenchNames.READY + " http://127.0.0.1:" + httpPort + "/" + BenchNames.CONTEXT_ROOT);
            System.out.flush();
            // Serve until the parent closes our standard input (or dies).
            InputStream in = System.in;
            while (in.read() >= 0) {
                // ignore whatever it writes
            }
        } finally {
            try {
                glassfish.stop();
                glassfish.dispose();
                runtime.shutdown();
            } finally {
                System.out.println("pgpool-bench Payara server stopped");
                System.out.flush();
            }
        }
        // Payara leaves non-daemon threads behind.
        System.exit(0);
    }

    private static String required(String property) {
        String v = System.getProperty(property);
        if (v == null || v.isBlank()) {
            throw new IllegalArgumentException("system property " + property + " is required");
        }
        return v;
    }

    /** The domain.xml inside payara-embedded-all, as Payara itself would use it. */
    private static String defaultDomainXml() throws IOException {
        try (InputStream in = GlassFish.class.getClassLoader().getResourceAsStream("config/domain.xml")) {
            if (in == null) {
                throw new IllegalStateException("config/domain.xml not found in payara-embedded-all");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** asadmin's {@code --property} syntax: {@code k=v:k2=v2}, with ':' and '=' inside values escaped. */
    private static String properties(Map<String, String> props) {
        List<String> parts = new ArrayList<>();
        props.forEach((k, v) -> parts.add(k + "=" + v.replace("\\", "\\\\").replace(":", "\\:")
                .replace("=", "\\=")));
        return String.join(":", parts);
    }

    private static void run(CommandRunner asadmin, String command, String... args) {
        CommandResult r = asadmin.run(command, args);
        if (r.getExitStatus() != CommandResult.ExitStatus.SUCCESS) {
            throw new IllegalStateException("asadmin " + command + " failed: " + r.getOutput(), r.getFailureCause());
        }
    }

    /** A WAR holding only {@link SelectServlet} (found by its annotation). */
    private static void writeWar(File war) throws IOException {
        String entry = SelectServlet.class.getName().replace('.', '/') + ".class";
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (InputStream in = SelectServlet.class.getClassLoader().getResourceAsStream(entry)) {
            in.transferTo(bytes);
        }
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(war.toPath()))) {
            zip.putNextEntry(new ZipEntry("WEB-INF/classes/" + entry));
            zip.write(bytes.toByteArray());
            zip.closeEntry();
        }
    }
}
