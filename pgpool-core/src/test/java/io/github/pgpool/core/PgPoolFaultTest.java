package io.github.pgpool.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.pgpool.api.PoolTimeoutException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Faults on the link between pool and database, made with a proxy on loopback that can turn into a black hole. */
class PgPoolFaultTest {
    private static TestDatabase db;
    private BlackholeProxy proxy;
    private PgPoolDataSource ds;

    @BeforeAll
    static void createDatabase() {
        db = TestDatabase.create("pgpool_fault_test");
    }

    @AfterEach
    void tearDown() throws Exception {
        if (ds != null) {
            ds.close();
        }
        if (proxy != null) {
            proxy.close();
        }
    }

    private PgPoolDataSource startThroughProxy(Duration maxWait, String driverProperties) throws Exception {
        String host = db.settings().build().serverName();
        proxy = new BlackholeProxy(host, db.settings().build().portNumber());
        ds = new PgPoolDataSource(db.settings().serverName("127.0.0.1").portNumber(proxy.port()).maxSize(2)
                .maxWait(maxWait).validateIdle(Duration.ZERO).validationTimeout(Duration.ofSeconds(5))
                .connectTimeout(Duration.ofSeconds(10)).driverProperties(driverProperties).build());
        return ds;
    }

    private static int one(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT 1")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    @Test
    void aBlackholedLinkKeepsBorrowingBoundedByMaxWaitAndThePoolRecoversWithTheLink() throws Exception {
        startThroughProxy(Duration.ofMillis(1500), "");
        try (Connection c = ds.getConnection()) {
            assertThat(one(c)).isEqualTo(1);
        }
        proxy.blackhole();

        for (int attempt = 0; attempt < 2; attempt++) {
            long t0 = System.nanoTime();
            assertThatThrownBy(ds::getConnection).isInstanceOf(PoolTimeoutException.class);
            Duration waited = Duration.ofNanos(System.nanoTime() - t0);
            assertThat(waited).as("bounded by MaxWait, not by ValidationTimeout (5s) or ConnectTimeout (10s)")
                    .isBetween(Duration.ofMillis(1500), Duration.ofMillis(4000));
        }
        assertThat(ds.pool().statistics().active()).as("the pool is not locked up").isZero();

        proxy.restore();
        long t0 = System.nanoTime();
        try (Connection c = ds.getConnection()) {
            assertThat(one(c)).isEqualTo(1);
        }
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofMillis(1500));
    }

    @Test
    void aQueryOnALinkThatWentSilentFailsWithTheSocketTimeoutAndItsConnectionIsDropped() throws Exception {
        startThroughProxy(Duration.ofSeconds(2), "socketTimeout=1");
        Connection c = ds.getConnection();
        assertThat(one(c)).isEqualTo(1);
        proxy.blackhole();
        long t0 = System.nanoTime();
        assertThatThrownBy(() -> one(c)).isInstanceOf(SQLException.class);
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isBetween(Duration.ofMillis(900), Duration.ofSeconds(5));
        c.close();
        assertThat(ds.pool().statistics().closedBroken()).isEqualTo(1);
        assertThat(ds.pool().statistics().total()).isZero();

        proxy.restore();
        try (Connection next = ds.getConnection()) {
            assertThat(one(next)).isEqualTo(1);
        }
    }
}
