package io.github.pgpool.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.pgpool.api.PoolSettings;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * TLS on pgpool's channel-backed {@link LinkSocket}: pgjdbc layers its {@code SSLSocket} over the connected socket
 * ({@code SSLSocketFactory.createSocket(socket, host, port, true)}), and the hand-out check then reads TLS records,
 * not PostgreSQL messages. With {@code sslmode=require} (and ValidateIdle out of the way), connections are
 * encrypted, and a terminated idle backend (whose farewell comes as a TLS record) costs the application no error.
 * The server is a throwaway cluster of the test's own on 127.0.0.1:5436 with a self-signed certificate (the shared
 * one on 5432 has {@code ssl = off}).
 */
@Timeout(120)
class TlsLinkTest {
    static final int PORT = 5436;
    private static LocalCluster cluster;
    private PgPoolDataSource ds;

    @BeforeAll
    static void start() {
        HostCommands.requireClusterTools("the TLS test");
        cluster = LocalCluster.primary("pgpool_h3_tls", PORT);
        cluster.enableTls();
        cluster.start();
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @AfterEach
    void closePool() {
        if (ds != null) {
            ds.close();
        }
    }

    private static String one(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    @Test
    void sslmodeRequireEncryptsAndATerminatedIdleBackendCostsNoError() throws Exception {
        ds = new PgPoolDataSource(PoolSettings.builder()
                .url("jdbc:postgresql://" + LocalCluster.HOST + ":" + PORT + "/postgres?sslmode=require")
                .user("postgres")
                // Only so that this test can fail: at the default (1 s) a slow machine could let the timed
                // validation, not the socket's check, find the dead connections. Nothing else differs.
                .validateIdle(Duration.ofHours(1)).build());
        List<Connection> held = new ArrayList<>();
        List<String> pids = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            Connection c = ds.getConnection();
            held.add(c);
            assertThat(one(c, "SELECT ssl::text FROM pg_stat_ssl WHERE pid = pg_backend_pid()")).isEqualTo("true");
            pids.add(one(c, "SELECT pg_backend_pid()::text"));
        }
        for (Connection c : held) {
            c.close();
        }
        String list = String.join(",", pids);
        assertThat(cluster.query("postgres", "SELECT count(pg_terminate_backend(pid))::text FROM pg_stat_activity "
                + "WHERE pid IN (" + list + ")")).isEqualTo("2");
        Await.until("the terminated backends to go", Duration.ofSeconds(10), () -> {
            try {
                return "0".equals(cluster.query("postgres",
                        "SELECT count(*)::text FROM pg_stat_activity WHERE pid IN (" + list + ")"));
            } catch (SQLException e) {
                return false;
            }
        });

        // No timed validation: the check must see the farewell through TLS, without a round trip.
        for (int i = 0; i < 2; i++) {
            try (Connection c = ds.getConnection()) {
                assertThat(one(c, "SELECT ssl::text FROM pg_stat_ssl WHERE pid = pg_backend_pid()"))
                        .isEqualTo("true");
            }
        }
        assertThat(ds.pool().statistics().closedBroken()).isEqualTo(2);
    }
}
