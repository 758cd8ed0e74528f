package io.github.pgpool.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.pgpool.api.PoolSettings;
import java.util.logging.Level;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A real server with PostgreSQL's default {@code max_prepared_transactions = 0}: a throwaway cluster of the test's own
 * on 127.0.0.1:5436 (5433-5435 belong to the failover and PgBouncer tests; the shared cluster is never touched). A pool
 * at the default settings says nothing until it is used for XA, then warns once, at that first connection, and never
 * again for its later connections.
 */
class XaWarningClusterTest {
    static final int PORT = 5436;
    private static final String DB = "pgpool_h3_xa";
    private static LocalCluster cluster;

    @BeforeAll
    static void makeCluster() {
        HostCommands.requireClusterTools("the XA warning test");
        cluster = LocalCluster.primary("pgpool_h3_xa_off", PORT);
        cluster.start();
        cluster.run("postgres", "CREATE DATABASE " + DB);
    }

    @AfterAll
    static void removeCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void warnsOnceAtTheFirstConnectionUsedForXa() throws Exception {
        assertThat(cluster.query("postgres", "SHOW max_prepared_transactions")).isEqualTo("0");
        PoolSettings settings = PoolSettings.builder().serverName(LocalCluster.HOST).portNumber(PORT)
                .databaseName(DB).user("postgres").poolName("xa-off").build();
        try (LogCapture log = LogCapture.start(); PgPool pool = PgPool.start(settings)) {
            PooledConnection first = pool.borrow();
            assertThat(log.messages(Level.WARNING, "max_prepared_transactions"))
                    .as("before anything asked for XA").isEmpty();
            first.xaResource();
            assertThat(log.messages(Level.WARNING, "max_prepared_transactions")).as("at the first XA use")
                    .hasSize(1).allSatisfy(m -> assertThat(m).contains("pgpool xa-off")
                            .contains("ALTER SYSTEM SET max_prepared_transactions").contains("restart"));

            PooledConnection second = pool.borrow(); // first is still held: a second physical connection
            second.xaResource();
            first.xaResource();
            second.release();
            first.release();
            assertThat(log.messages(Level.WARNING, "max_prepared_transactions")).as("once per pool").hasSize(1);
            assertThat(pool.statistics().created()).as("physical connections").isEqualTo(2);
        }
    }
}
