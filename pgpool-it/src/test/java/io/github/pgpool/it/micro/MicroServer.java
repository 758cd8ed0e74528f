package io.github.pgpool.it.micro;

import io.github.pgpool.it.ServerProcess;
import io.github.pgpool.it.Setup;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.jboss.shrinkwrap.api.exporter.ZipExporter;
import org.jboss.shrinkwrap.api.spec.WebArchive;

/**
 * One Payara Micro in a process of its own, set up the way the README tells administrators to set up Payara: the
 * adapter deployed under the name {@code pgpool}, pools and resources made with asadmin commands (here from a
 * post-boot command file), the application deployed after them. Its root directory ({@code --rootdir}) keeps the
 * configuration, the deployed applications and the transaction log, so {@link #restart()} brings back the same
 * server, as after a crash, without any command file.
 *
 * <p>Listens on 127.0.0.1 only (the HTTP listener's address is set before boot), HTTPS off, and without Hazelcast
 * (which would otherwise bind port 6900 on every interface). Console logs: {@code target/micro/<name>/<name>-N.log}.
 * Used by one test class at a time; not thread-safe.
 */
public final class MicroServer {
    /** A Payara Micro jar and the JDK it runs on, as the failsafe execution hands them over. */
    public enum Version {
        /** Payara 7 (Jakarta EE 11) on JDK 25. */
        MICRO7("pgpool.it.micro7"),
        /** Payara 6 (Jakarta EE 10) on JDK 17. */
        MICRO6("pgpool.it.micro6");

        private final String property;

        Version(String property) {
            this.property = property;
        }

        Path jar() {
            return existing(property + ".jar", "the Payara Micro jar (copied to target/micro by the pom)");
        }

        Path java() {
            return existing(property + ".java.home", "the JDK this Payara Micro runs on").resolve("bin/java");
        }
    }

    private static final Pattern READY = Pattern.compile("Payara Micro [0-9.]+ \\(build [0-9]+\\) ready in");
    /** A failed boot command does not stop Payara Micro: the test must notice it. */
    private static final Pattern FAILED = Pattern.compile("Boot Command [a-z-]+ failed[^\\n]*");

    private final String name;
    private final int port;
    private final Path dir;
    private final ServerProcess process;

    private MicroServer(String name, Version version, int port, List<String> extraArgs) {
        this.name = name;
        this.port = port;
        this.dir = Path.of(System.getProperty("pgpool.it.work.dir", "target"), "micro", name);
        List<String> command = new ArrayList<>(List.of(version.java().toString(), "-Xmx512m", "-jar",
                version.jar().toString(), "--nocluster", "--disablephonehome", "--name", name, "--port",
                Integer.toString(port), "--rootdir", dir.resolve("root").toString()));
        command.addAll(extraArgs);
        this.process = new ServerProcess(name, command, Map.of(), dir);
    }

    /**
     * A server with a fresh root directory, not started yet.
     *
     * @param extraArgs further Payara Micro options for every start, such as {@code --addlibs}
     */
    public static MicroServer fresh(String name, Version version, int port, List<String> extraArgs) {
        MicroServer server = new MicroServer(name, version, port, extraArgs);
        deleteTree(server.dir);
        return server;
    }

    /**
     * The first start: boots with the pre-boot settings (loopback, no Hazelcast, automatic transaction recovery),
     * then runs {@code postBoot} (asadmin commands, one a line), then is ready. Fails if any boot command failed.
     *
     * @return how long the start took
     */
    public Duration firstStart(List<String> postBoot) {
        Path preboot = write("preboot.txt", List.of(
                "set configs.config.server-config.network-config.network-listeners.network-listener.http-listener"
                        + ".address=127.0.0.1",
                "set configs.config.server-config.hazelcast-config-specific-configuration.enabled=false",
                // Recovery of in-doubt transactions when the server starts (Payara's default is off).
                "set configs.config.server-config.transaction-service.automatic-recovery=true"));
        Path postboot = write("postboot.txt", postBoot);
        return process.start(List.of("--prebootcommandfile", preboot.toString(), "--postbootcommandfile",
                postboot.toString()), READY, FAILED, Duration.ofSeconds(240));
    }

    /** Starts again on the kept root directory (configuration, applications, transaction log), no command files. */
    public Duration restart() {
        return process.start(List.of(), READY, FAILED, Duration.ofSeconds(240));
    }

    /** SIGKILL, as {@code kill -9}. */
    public void kill() {
        process.kill();
    }

    public void stop() {
        process.stop();
    }

    public ServerProcess process() {
        return process;
    }

    /** Where a deployment's files go before the post-boot commands deploy them. */
    public Path export(WebArchive war) {
        Path file = dir.resolve(war.getName());
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        war.as(ZipExporter.class).exportTo(file.toFile(), true);
        return file;
    }

    public URL url(String contextRoot) {
        try {
            return new URL("http://127.0.0.1:" + port + "/" + contextRoot + "/");
        } catch (MalformedURLException e) {
            throw new IllegalArgumentException(contextRoot, e);
        }
    }

    /**
     * The asadmin commands the README gives for a pool: a connector connection pool on the adapter {@code pgpool}
     * with Payara's own pool left on (steady size 0, a maximum above MaxSize, no matching) and the pgpool properties
     * in {@code --property}, then a connector resource.
     */
    public static List<String> poolCommands(Setup setup, Setup.Pool pool, String poolName, String jndiName,
            Map<String, String> extraProperties) {
        Map<String, String> props = new LinkedHashMap<>(setup.properties(pool));
        props.putAll(extraProperties);
        StringBuilder list = new StringBuilder();
        props.forEach((k, v) -> list.append(list.length() == 0 ? "" : ":").append(k).append('=').append(escape(v)));
        return List.of(
                "create-connector-connection-pool --raname pgpool --connectiondefinition javax.sql.DataSource"
                        + " --transactionsupport " + pool.transactionSupport()
                        + " --steadypoolsize 0 --maxpoolsize 16 --matchconnections false --property " + list + " "
                        + poolName,
                "create-connector-resource --poolname " + poolName + " " + jndiName);
    }

    /**
     * A value inside asadmin's {@code --property k=v:k2=v2}: ':' separates properties and '=' key from value, so both
     * are escaped with a backslash (quotes do not help; verified on Payara 7.2025.1 and 6.2025.10). This is the text
     * asadmin itself receives: in a shell, write each backslash twice or quote it ('\:').
     */
    public static String escape(String value) {
        return value.replace("\\", "\\\\").replace(":", "\\:").replace("=", "\\=");
    }

    /** The command that deploys pgpool.rar under the name the pools refer to, whatever the file is called. */
    public static String deployAdapter(File rar) {
        return "deploy --name pgpool --type rar " + rar.getAbsolutePath();
    }

    private Path write(String file, List<String> lines) {
        try {
            Files.createDirectories(dir);
            return Files.write(dir.resolve(file), lines);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path existing(String property, String what) {
        String value = System.getProperty(property);
        if (value == null || value.isBlank() || !Files.exists(Path.of(value))) {
            throw new IllegalStateException("System property " + property + " (" + what + ") is " + value
                    + ", which does not exist; run through Maven: mvn verify -pl pgpool-it -am");
        }
        return Path.of(value);
    }

    private static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot clear " + root, e);
        }
    }

    @Override
    public String toString() {
        return "Payara Micro " + name + " on 127.0.0.1:" + port + " " + process;
    }
}
