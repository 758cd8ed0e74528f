package io.github.pgpool.it.micro;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.pgpool.it.AdminDb;
import io.github.pgpool.it.Deployments;
import io.github.pgpool.it.Http;
import io.github.pgpool.it.ItEnv;
import io.github.pgpool.it.Poll;
import io.github.pgpool.it.PoolScenarios;
import io.github.pgpool.it.Setup;
import io.github.pgpool.it.payara.PayaraDeployments;
import java.net.URL;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.jboss.shrinkwrap.api.asset.StringAsset;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The scenario suite in Payara Micro 7 (Jakarta EE 11) on JDK 25, with the unchanged pgpool.rar. Both ways the
 * README gives for making pools are used: the transactional pools (xa-a, xa-b, local, jpa, restart) come from asadmin
 * commands in a post-boot command file, as server-wide resources that web.xml maps to the names the application looks
 * up; the others come with the WAR in {@code glassfish-resources.xml}. Payara's own pooling stays on (its default).
 */
@Setup.Uses(Setup.PAYARA_MICRO7)
class PayaraMicro7IT extends PoolScenarios {
    /** HTTP on 127.0.0.1 (the other Micro servers of this execution use 32180 and 32280). */
    static final int PORT = 32080;
    static final Set<String> ASADMIN_POOLS = Set.of("xa-a", "xa-b", "local", "jpa", "restart");
    /** A value with ':' and '=' in asadmin's --property: the escaping the README documents, proven end to end. */
    static final String APPLICATION_NAME = "pgpool:it=micro7";

    private static MicroServer server;

    @BeforeAll
    static void startServer() {
        Setup setup = Setup.PAYARA_MICRO7;
        server = MicroServer.fresh("micro7-scenarios", MicroServer.Version.MICRO7, PORT, List.of());
        List<Setup.Pool> inWar = new ArrayList<>();
        List<String> commands = new ArrayList<>();
        commands.add(MicroServer.deployAdapter(ItEnv.rarFile()));
        Map<String, String> mapping = new LinkedHashMap<>();
        for (Setup.Pool pool : Setup.POOLS) {
            if (!ASADMIN_POOLS.contains(pool.name())) {
                inWar.add(pool);
                continue;
            }
            Map<String, String> extra = pool.name().equals("xa-a")
                    ? Map.of("DriverProperties", "ApplicationName=" + APPLICATION_NAME) : Map.of();
            commands.addAll(MicroServer.poolCommands(setup, pool, "it-micro7-" + pool.name(), globalName(pool),
                    extra));
            mapping.put(pool.appJndiName(), globalName(pool));
        }
        WebArchive war = Deployments.war("pgpool-it.war", globalName(Setup.pool("jpa")),
                Map.of("eclipselink.logging.level", "WARNING", "eclipselink.target-database", "PostgreSQL"));
        war.setWebXML(Deployments.webXmlMapping(mapping));
        war.addAsWebInfResource(new StringAsset(PayaraDeployments.resources(setup, inWar, true)),
                "glassfish-resources.xml");
        commands.add("deploy --name pgpool-it --contextroot pgpool-it " + server.export(war));
        Duration took = server.firstStart(commands);
        System.out.println("pgpool-it micro7: " + server + " ready after " + took.toMillis() + " ms");
    }

    @AfterAll
    static void stopServer() {
        if (server != null) {
            server.stop();
        }
    }

    static String globalName(Setup.Pool pool) {
        return "pgpool/it/" + pool.name();
    }

    @Override
    protected URL app() {
        return server.url("pgpool-it");
    }

    /**
     * A pool made by asadmin with {@code DriverProperties=ApplicationName=pgpool:it=micro7}, written with the escapes
     * of {@link MicroServer#escape}: the backend reports exactly that application name, so ':' and '=' arrived
     * unchanged.
     */
    @Test
    void asadminPropertyValueWithColonAndEqualsArrivesUnchanged() throws SQLException {
        String db = db("xa-a");
        String gate = "appname-" + UUID.randomUUID();
        CompletableFuture<Http.Answer> holder = Http.getAsync(app(), "pool/hold?ds=xa-a&gate=" + gate);
        try {
            Poll.until("the held connection of pool xa-a", SOON, () -> AdminDb.backends(db), n -> n == 1);
            assertThat(AdminDb.strings("select application_name from pg_stat_activity where datname = ?"
                    + " and backend_type = 'client backend' and application_name <> 'pgpool-it-admin'", db)).as("application_name of the pool's backend")
                    .containsExactly(APPLICATION_NAME);
        } finally {
            ok("pool/open?gate=" + gate);
        }
        assertThat(holder.join().ok()).isTrue();
    }
}
