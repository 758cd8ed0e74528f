package io.github.pgpool.it.micro;

import io.github.pgpool.it.CrashRecoveryScenarios;
import io.github.pgpool.it.Deployments;
import io.github.pgpool.it.ItEnv;
import io.github.pgpool.it.Setup;
import java.net.URL;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Crash recovery on Payara Micro 7 (JDK 25): the two XA pools are server-wide, made with asadmin in the post-boot
 * command file as the README shows, so Payara's recovery finds them with the pool's User and Password properties.
 * Automatic recovery is switched on before boot (see {@link MicroServer#firstStart}); the transaction log lives in
 * the kept root directory.
 */
@Setup.Uses(Setup.CRASH_MICRO7)
class PayaraMicro7CrashIT extends CrashRecoveryScenarios {
    static final int PORT = 32180;

    private static MicroServer server;

    @BeforeAll
    static void startServer() {
        server = MicroServer.fresh("micro7-crash", MicroServer.Version.MICRO7, PORT, List.of());
        List<String> commands = new ArrayList<>();
        commands.add(MicroServer.deployAdapter(ItEnv.rarFile()));
        Map<String, String> mapping = new LinkedHashMap<>();
        for (Setup.Pool pool : Setup.CRASH_MICRO7.pools()) {
            String global = "pgpool/crash/" + pool.name();
            commands.addAll(MicroServer.poolCommands(Setup.CRASH_MICRO7, pool, "crash-" + pool.name(), global,
                    Map.of()));
            mapping.put(pool.appJndiName(), global);
        }
        WebArchive war = Deployments.crashWar("pgpool-crash.war");
        war.setWebXML(Deployments.webXmlMapping(mapping));
        commands.add("deploy --name pgpool-crash --contextroot pgpool-crash " + server.export(war));
        Duration took = server.firstStart(commands);
        System.out.println("pgpool-it crash micro7: " + server + " ready after " + took.toMillis() + " ms");
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
}
