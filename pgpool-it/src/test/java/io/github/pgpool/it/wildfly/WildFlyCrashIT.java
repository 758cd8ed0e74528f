package io.github.pgpool.it.wildfly;

import io.github.pgpool.it.CrashRecoveryScenarios;
import io.github.pgpool.it.Deployments;
import io.github.pgpool.it.ItEnv;
import io.github.pgpool.it.ServerProcess;
import io.github.pgpool.it.Setup;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.jboss.as.controller.client.ModelControllerClient;
import org.jboss.as.controller.client.helpers.Operations;
import org.jboss.shrinkwrap.api.exporter.ZipExporter;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.wildfly.plugin.tools.Deployment;
import org.wildfly.plugin.tools.DeploymentManager;
import org.wildfly.plugin.tools.DeploymentResult;

/**
 * Crash recovery on WildFly 39 (JDK 25): a WildFly of its own (the unpacked distribution with a server base directory
 * in {@code target/wildfly-crash}, so the Arquillian-managed one is not disturbed), started with {@code standalone.sh}
 * and configured through its management interface as the README shows: pgpool.rar deployed, an XA activation with
 * recovery credentials and the two pools, then the crash WAR. Its transaction log stays in the base directory across
 * the kill.
 *
 * <p>Recovery runs by itself: the only change from WildFly's defaults is a periodic recovery scan every 10 s
 * instead of every 120 s, so that a test waits seconds, not minutes (a setting administrators choose; it changes when
 * recovery runs, not what it does). Its own node identifier keeps it from resolving the other WildFly's branches.
 *
 * <p>Ports, all on 127.0.0.1: an offset of 28000 on WildFly's socket bindings, with HTTP at 32380, management at
 * 32990 (and 32443, 32993, 32009, 32712, 32713 for HTTPS, management HTTPS, AJP and the transaction sockets).
 */
@Setup.Uses(Setup.CRASH_WILDFLY)
class WildFlyCrashIT extends CrashRecoveryScenarios {
    static final int OFFSET = 28000;
    static final int HTTP_PORT = 4380 + OFFSET;
    static final int MANAGEMENT_PORT = 4990 + OFFSET;
    static final String ADAPTER = "pgpool-crash-xa";
    static final Pattern STARTED = Pattern.compile("WFLYSRV0025:[^\\n]*started in");
    static final Pattern FAILED = Pattern.compile("WFLYSRV0026:[^\\n]*|WFLYSRV0056:[^\\n]*");

    private static ServerProcess server;

    @BeforeAll
    static void startAndConfigure() throws Exception {
        Path home = Path.of(System.getProperty("pgpool.it.wildfly.home"));
        Path base = Path.of(System.getProperty("pgpool.it.work.dir", "target"), "wildfly-crash");
        deleteTree(base);
        copyTree(home.resolve("standalone/configuration"), base.resolve("configuration"));
        Files.createDirectories(base.resolve("deployments"));
        Path javaHome = Path.of(System.getProperty("pgpool.it.wildfly.java.home"));
        String javaOpts = "-Xms128m -Xmx512m -Djava.net.preferIPv4Stack=true"
                + " -DRecoveryEnvironmentBean.periodicRecoveryPeriod=10";
        server = new ServerProcess("wildfly-crash", List.of(home.resolve("bin/standalone.sh").toString(),
                "-Djboss.server.base.dir=" + base, "-Djboss.tx.node.id=pgpool-crash",
                "-Djboss.bind.address=127.0.0.1", "-Djboss.bind.address.management=127.0.0.1",
                "-Djboss.bind.address.private=127.0.0.1", "-Djboss.socket.binding.port-offset=" + OFFSET,
                "-Djboss.http.port=4380", "-Djboss.https.port=4443", "-Djboss.ajp.port=4009",
                "-Djboss.management.http.port=4990", "-Djboss.management.https.port=4993"),
                Map.of("JAVA_HOME", javaHome.toString(), "JAVA_OPTS", javaOpts, "LAUNCH_JBOSS_IN_BACKGROUND", ""),
                base.resolve("console"));
        Duration took = server.start(List.of(), STARTED, FAILED, Duration.ofSeconds(180));
        configure(base);
        System.out.println("pgpool-it crash wildfly: " + server + " ready and configured, start " + took.toMillis()
                + " ms");
    }

    /** Adapter activation and pools, then pgpool.rar, then the WAR, through the management interface. */
    private static void configure(Path base) throws Exception {
        Setup setup = Setup.CRASH_WILDFLY;
        try (ModelControllerClient client = ModelControllerClient.Factory.create("remote+http", "127.0.0.1",
                MANAGEMENT_PORT)) {
            // A leftover activation from an interrupted run of WildFlyIT would be copied with the configuration.
            WildFlyPools.removeAdapters(client, ADAPTER, WildFlyPools.XA_ADAPTER, WildFlyPools.LOCAL_ADAPTER);
            Operations.CompositeOperationBuilder ops = Operations.CompositeOperationBuilder.create();
            WildFlyPools.addPools(ops, setup, setup.pools(), ADAPTER, "unused", WildFlyCrashIT::jndiName);
            WildFlyPools.executeOrFail(client, ops.build().getOperation());
            org.wildfly.plugin.tools.ServerHelper.reloadIfRequired(client, 120);
            DeploymentManager deployer = DeploymentManager.Factory.create(client);
            deployOrFail(deployer, Deployment.of(ItEnv.rarFile()).setName(Deployments.RAR_NAME));
            Map<String, String> mapping = new LinkedHashMap<>();
            setup.pools().forEach(pool -> mapping.put(pool.appJndiName(), jndiName(pool)));
            WebArchive war = Deployments.crashWar("pgpool-crash.war");
            war.setWebXML(Deployments.webXmlMapping(mapping));
            Path file = base.resolve("pgpool-crash.war");
            war.as(ZipExporter.class).exportTo(file.toFile(), true);
            deployOrFail(deployer, Deployment.of(file));
        }
    }

    private static void deployOrFail(DeploymentManager deployer, Deployment deployment) throws IOException {
        DeploymentResult result = deployer.deploy(deployment);
        if (!result.successful()) {
            throw new AssertionError("WildFly refused a deployment: " + result.getFailureMessage());
        }
    }

    static String jndiName(Setup.Pool pool) {
        return "java:/pgpool/crash/" + pool.name();
    }

    @AfterAll
    static void stopServer() {
        if (server != null) {
            server.stop();
        }
    }

    @Override
    protected URL app() {
        try {
            return new URL("http://127.0.0.1:" + HTTP_PORT + "/pgpool-crash/");
        } catch (MalformedURLException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    protected void killServer() {
        server.kill();
    }

    @Override
    protected Duration restartServer() {
        return server.start(List.of(), STARTED, FAILED, Duration.ofSeconds(180));
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> paths = Files.walk(from)) {
            for (Path p : paths.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
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
}
