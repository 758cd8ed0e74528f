package io.github.pgpool.it.micro;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.pgpool.it.CrashRecoveryScenarios;
import io.github.pgpool.it.Deployments;
import io.github.pgpool.it.Http;
import io.github.pgpool.it.ItEnv;
import io.github.pgpool.it.Setup;
import io.github.pgpool.it.payara.PayaraDeployments;
import java.net.URL;
import java.time.Duration;
import java.util.List;
import org.jboss.shrinkwrap.api.asset.StringAsset;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * Crash recovery on Payara 6 (Payara Micro 6 on JDK 17; embedded Payara shares the test JVM and cannot be killed
 * alone). Unlike the Payara 7 case, the two XA pools come with the application in {@code glassfish-resources.xml}
 * (application-scoped resources, which Payara's recovery also covers), and the server has a PostgreSQL driver of its
 * own in its library path ({@code --addlibs}, Payara Micro's counterpart of {@code asadmin add-library}), a different
 * pgjdbc version from the one inside pgpool.rar: the common situation of applications whose Docker images add the
 * driver to the server.
 */
@Setup.Uses(Setup.CRASH_MICRO6)
class PayaraMicro6CrashIT extends CrashRecoveryScenarios {
    static final int PORT = 32280;

    private static MicroServer server;

    @BeforeAll
    static void startServer() {
        server = MicroServer.fresh("micro6-crash", MicroServer.Version.MICRO6, PORT,
                List.of("--addlibs", serverDriver()));
        WebArchive war = Deployments.crashWar("pgpool-crash.war");
        war.addAsWebInfResource(new StringAsset(PayaraDeployments.resources(Setup.CRASH_MICRO6,
                Setup.CRASH_MICRO6.pools(), true)), "glassfish-resources.xml");
        Duration took = server.firstStart(List.of(MicroServer.deployAdapter(ItEnv.rarFile()),
                "deploy --name pgpool-crash --contextroot pgpool-crash " + server.export(war)));
        System.out.println("pgpool-it crash micro6: " + server + " ready after " + took.toMillis() + " ms");
    }

    /** The server's own pgjdbc, another version than pgpool.rar's (copied to target/micro/lib by the pom). */
    static String serverDriver() {
        String jar = System.getProperty("pgpool.it.server.driver.jar");
        if (jar == null || !new java.io.File(jar).isFile()) {
            throw new IllegalStateException("pgpool.it.server.driver.jar is " + jar + "; run through Maven");
        }
        return jar;
    }

    @AfterAll
    static void stopServer() {
        if (server != null) {
            server.stop();
        }
    }

    @Override
    protected URL app() {
        return server.url("pgpool-crash");
    }

    @Override
    protected void killServer() {
        server.kill();
    }

    @Override
    protected Duration restartServer() {
        return server.restart();
    }

    /**
     * With a pgjdbc in the server's library path and another inside pgpool.rar, the adapter uses the server's:
     * Payara's class loader for a standalone resource adapter asks the server's common class loader first. pgpool
     * works with it (two-phase commit and recovery in this class run on it).
     */
    @Test
    @Order(0)
    void serverLibraryDriverIsTheOneTheAdapterUses() {
        Http.Answer origin = Http.get(app(), "crash/origin");
        System.out.println("pgpool-it crash micro6: driver with a server library copy: " + origin);
        assertThat(origin.ok()).as("%s", origin).isTrue();
        assertThat(origin.get("dataSourceFrom")).as("%s", origin).endsWith("/pgpool.jar");
        String serverJar = new java.io.File(serverDriver()).getName();
        assertThat(origin.get("driverFrom")).as("%s", origin).endsWith("/" + serverJar);
        assertThat(origin.get("driverVersion")).as("%s", origin).contains(serverJar.replaceAll("^postgresql-|\\.jar$", ""));
    }
}
