package io.github.pgpool.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.pgpool.api.InvalidSettingException;
import io.github.pgpool.api.PoolSettings;
import io.github.pgpool.api.PoolTimeoutException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The engine against the real PostgreSQL, physical connections observed through {@code pg_stat_activity}. */
class PgPoolPostgresTest {
    private static TestDatabase db;
    private PgPoolDataSource ds;

    @BeforeAll
    static void createDatabase() {
        db = TestDatabase.create("pgpool_core_test");
        db.run("CREATE TABLE items (id int PRIMARY KEY, name text)",
                "INSERT INTO items SELECT g, 'item ' || g FROM generate_series(1, 100) g",
                "CREATE SCHEMA other",
                "DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'pgpool_test_alice') THEN "
                        + "CREATE ROLE pgpool_test_alice LOGIN; END IF; "
                        + "IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'pgpool_test_bob') THEN "
                        + "CREATE ROLE pgpool_test_bob LOGIN; END IF; END $$",
                "GRANT SELECT ON items TO pgpool_test_alice, pgpool_test_bob");
    }

    @AfterEach
    void closePool() {
        if (ds != null) {
            ds.close();
        }
        Await.until("all backends of the test database to go", Duration.ofSeconds(10), () -> db.backends() == 0);
    }

    private PgPoolDataSource start(PoolSettings.Builder settings) {
        ds = new PgPoolDataSource(settings.build());
        return ds;
    }

    private static int pid(Connection c) throws SQLException {
        return queryInt(c, "SELECT pg_backend_pid()");
    }

    private static int queryInt(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private static String queryString(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    @Test
    void startsEmptyIsCappedAtMaxSizeUnderABurstAndShrinksToZeroAfterCleanup() throws Exception {
        start(db.settings().maxSize(3).cleanup(Duration.ofMillis(500)));
        assertThat(db.backends()).as("no backend before first use").isZero();

        AtomicInteger peak = new AtomicInteger();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        List<Thread> burst = new ArrayList<>();
        for (int t = 0; t < 10; t++) {
            Thread w = new Thread(() -> {
                try {
                    for (int i = 0; i < 5; i++) {
                        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
                            s.execute("SELECT pg_sleep(0.03)");
                        }
                    }
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            });
            burst.add(w);
            w.start();
        }
        while (burst.stream().anyMatch(Thread::isAlive)) {
            peak.accumulateAndGet(db.backends(), Math::max);
        }
        assertThat(failure.get()).isNull();
        assertThat(peak.get()).as("backends seen during the burst").isBetween(2, 3);
        assertThat(ds.pool().statistics().created()).isEqualTo(3);
        assertThat(ds.pool().statistics().total()).as("kept idle right after the burst").isPositive();

        long stopped = System.nanoTime();
        Await.until("backends to drop to zero after Cleanup", Duration.ofSeconds(10), () -> db.backends() == 0);
        assertThat(Duration.ofNanos(System.nanoTime() - stopped)).as("not before Cleanup")
                .isGreaterThanOrEqualTo(Duration.ofMillis(400));
        assertThat(ds.pool().statistics().closedIdle()).isEqualTo(3);
    }

    @Test
    void expiresReplacesBackendsUnderSteadyLoad() throws Exception {
        start(db.settings().maxSize(2).expires(Duration.ofSeconds(1)).cleanup(Duration.ZERO));
        Map<Integer, long[]> seen = new HashMap<>(); // pid -> first, last seen (ms)
        long begin = System.nanoTime();
        while (System.nanoTime() - begin < Duration.ofMillis(3500).toNanos()) {
            try (Connection c = ds.getConnection()) {
                long now = (System.nanoTime() - begin) / 1_000_000;
                seen.computeIfAbsent(pid(c), k -> new long[] {now, now})[1] = now;
            }
        }
        assertThat(seen).as("backends replaced").hasSizeGreaterThanOrEqualTo(3);
        seen.forEach((pid, span) -> assertThat(span[1] - span[0]).as("backend %d used for (ms)", pid)
                .isLessThanOrEqualTo(1000));
        assertThat(ds.pool().statistics().closedExpired()).isGreaterThanOrEqualTo(2);
    }

    @Test
    void terminatedIdleBackendsCostTheApplicationNoError() throws Exception {
        start(db.settings().maxSize(3).validateIdle(Duration.ZERO));
        List<Connection> held = List.of(ds.getConnection(), ds.getConnection(), ds.getConnection());
        for (Connection c : held) {
            c.close();
        }
        List<Integer> pids = db.pids();
        assertThat(pids).hasSize(3);
        assertThat(db.terminate(pids)).isEqualTo(3);
        Await.until("terminated backends to go", Duration.ofSeconds(10), () -> db.backends() == 0);

        for (int i = 0; i < 3; i++) {
            try (Connection c = ds.getConnection()) {
                assertThat(queryInt(c, "SELECT count(*) FROM items")).isEqualTo(100);
            }
        }
        assertThat(ds.pool().statistics().closedBroken()).isEqualTo(3);
    }

    @Test
    void aBackendKilledInUseFailsOnlyItsOwnRequest() throws Exception {
        start(db.settings().maxSize(2));
        Connection idle = ds.getConnection();
        Connection victim = ds.getConnection();
        int idlePid = pid(idle);
        idle.close();
        db.terminate(List.of(pid(victim), idlePid)); // a restart kills both
        assertThatThrownBy(() -> queryInt(victim, "SELECT 1")).isInstanceOf(SQLException.class);
        victim.close();

        try (Connection next = ds.getConnection()) {
            assertThat(queryInt(next, "SELECT count(*) FROM items")).isEqualTo(100);
        }
        assertThat(ds.pool().statistics().closedBroken()).isEqualTo(2);
    }

    @Test
    void noSessionStateOrOpenTransactionReachesTheNextBorrower() throws Exception {
        start(db.settings().maxSize(1));
        int pid;
        String defaultPath;
        String defaultAppName;
        String defaultZone;
        String defaultDigits;
        try (Connection c = ds.getConnection()) {
            pid = pid(c);
            defaultPath = queryString(c, "SHOW search_path");
            defaultAppName = queryString(c, "SHOW application_name");
            defaultZone = queryString(c, "SHOW TimeZone");
            defaultDigits = queryString(c, "SHOW extra_float_digits");
        }
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            assertThat(pid(c)).isEqualTo(pid);
            s.execute("SET search_path TO other");
            s.execute("SET application_name = 'leaky'");
            s.execute("SET TimeZone = 'Asia/Tokyo'");
            s.execute("SET extra_float_digits = 0");
            s.execute("SET ROLE pgpool_test_alice");
            s.execute("RESET ROLE");
            s.execute("SET SESSION AUTHORIZATION pgpool_test_bob");
            s.execute("CREATE TEMP TABLE leftover (a int)");
            s.execute("PREPARE leftover_ps AS SELECT 1");
            s.execute("SELECT pg_advisory_lock(4242)");
            s.execute("LISTEN leftover_channel");
            c.setTransactionIsolation(Connection.TRANSACTION_SERIALIZABLE);
            c.setReadOnly(true);
        }
        try (Connection c = ds.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM items WHERE id = ?")) {
                ps.setInt(1, 1);
                assertThat(ps.executeUpdate()).isEqualTo(1);
            }
            // closed without commit
        }
        try (Connection c = ds.getConnection()) {
            assertThat(pid(c)).as("the same physical connection").isEqualTo(pid);
            assertThat(queryString(c, "SHOW search_path")).isEqualTo(defaultPath);
            assertThat(queryString(c, "SHOW application_name")).isEqualTo(defaultAppName)
                    .isEqualTo("PostgreSQL JDBC Driver");
            assertThat(queryString(c, "SHOW TimeZone")).isEqualTo(defaultZone);
            assertThat(queryString(c, "SHOW extra_float_digits")).isEqualTo(defaultDigits);
            assertThat(queryString(c, "SELECT current_user")).isEqualTo(queryString(c, "SELECT session_user"))
                    .isNotIn("pgpool_test_alice", "pgpool_test_bob");
            assertThat(queryInt(c, "SELECT count(*) FROM pg_class WHERE relname = 'leftover' "
                    + "AND relpersistence = 't'")).isZero();
            assertThat(queryInt(c, "SELECT count(*) FROM pg_prepared_statements WHERE name = 'leftover_ps'"))
                    .isZero();
            assertThat(queryInt(c, "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' "
                    + "AND pid = pg_backend_pid()")).isZero();
            assertThat(queryInt(c, "SELECT count(*) FROM pg_listening_channels()")).isZero();
            assertThat(c.getAutoCommit()).isTrue();
            assertThat(c.isReadOnly()).isFalse();
            assertThat(c.getTransactionIsolation()).isEqualTo(Connection.TRANSACTION_READ_COMMITTED);
            assertThat(queryInt(c, "SELECT count(*) FROM items")).as("the open transaction was rolled back")
                    .isEqualTo(100);
        }
    }

    @Test
    void pgjdbcServerPreparedStatementsSurviveTheSessionReset() throws Exception {
        start(db.settings().maxSize(1).driverProperties("prepareThreshold=1"));
        for (int round = 0; round < 3; round++) {
            try (Connection c = ds.getConnection()) {
                for (int i = 1; i <= 3; i++) {
                    try (PreparedStatement ps = c.prepareStatement("SELECT name FROM items WHERE id = ?")) {
                        ps.setInt(1, i);
                        try (ResultSet rs = ps.executeQuery()) {
                            assertThat(rs.next()).isTrue();
                            assertThat(rs.getString(1)).isEqualTo("item " + i);
                        }
                    }
                }
                try (Statement s = c.createStatement()) {
                    s.execute("SET search_path TO other, public"); // forces DISCARD ALL on return
                }
            }
        }
        assertThat(ds.pool().statistics().created()).isEqualTo(1);
    }

    @Test
    void credentialsAreNeverMixed() throws Exception {
        start(db.settings().maxSize(3));
        int alicePid;
        try (Connection c = ds.getConnection("pgpool_test_alice", "a-pw")) {
            assertThat(queryString(c, "SELECT current_user")).isEqualTo("pgpool_test_alice");
            alicePid = pid(c);
        }
        try (Connection c = ds.getConnection("pgpool_test_bob", "b-pw")) {
            assertThat(queryString(c, "SELECT current_user")).isEqualTo("pgpool_test_bob");
            assertThat(pid(c)).isNotEqualTo(alicePid);
        }
        try (Connection c = ds.getConnection()) {
            assertThat(queryString(c, "SELECT current_user")).isNotIn("pgpool_test_alice", "pgpool_test_bob");
        }
        try (Connection c = ds.getConnection("pgpool_test_alice", "a-pw")) {
            assertThat(pid(c)).as("alice gets her own connection back").isEqualTo(alicePid);
        }
    }

    @Test
    void timesOutAfterMaxWaitWhileAllConnectionsAreInUse() throws Exception {
        start(db.settings().maxSize(1).maxWait(Duration.ofMillis(500)));
        try (Connection held = ds.getConnection()) {
            long t0 = System.nanoTime();
            assertThatThrownBy(ds::getConnection).isInstanceOf(PoolTimeoutException.class)
                    .hasMessageContaining("total=1, active=1, idle=0, waiting=0");
            Duration waited = Duration.ofNanos(System.nanoTime() - t0);
            assertThat(waited).isBetween(Duration.ofMillis(500), Duration.ofSeconds(5));
            assertThat(queryInt(held, "SELECT 1")).isEqualTo(1);
        }
        try (Connection next = ds.getConnection()) {
            assertThat(queryInt(next, "SELECT 1")).isEqualTo(1);
        }
    }

    @Test
    void anUnreachableServerTimesOutAfterMaxWaitWithTheConnectErrorChained() {
        start(db.settings().portNumber(1).maxWait(Duration.ofMillis(800)));
        long t0 = System.nanoTime();
        assertThatThrownBy(ds::getConnection).isInstanceOf(PoolTimeoutException.class)
                .hasMessageContaining("last connection failure")
                .cause().isInstanceOf(SQLException.class).hasMessageContaining("refused");
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isBetween(Duration.ofMillis(800), Duration.ofSeconds(8));
        assertThat(ds.pool().statistics().connectFailures()).isGreaterThan(1);
    }

    @Test
    void aMissingDatabaseFailsAtOnceWithPostgresqlsMessage() {
        start(db.settings().databaseName("pgpool_no_such_db").maxWait(Duration.ofSeconds(5)));
        long t0 = System.nanoTime();
        assertThatThrownBy(ds::getConnection).isInstanceOf(SQLException.class)
                .hasMessageContaining("pgpool_no_such_db")
                .extracting(e -> ((SQLException) e).getSQLState()).isEqualTo("3D000");
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).as("no retry until MaxWait")
                .isLessThan(Duration.ofSeconds(4));
    }

    @Test
    void anUnknownDriverPropertyIsRejectedWhenThePoolStarts() {
        assertThatThrownBy(() -> PgPool.start(db.settings().driverProperties("sslmode=disable;nosuchprop=1").build()))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageStartingWith("DriverProperties=nosuchprop is invalid: 'nosuchprop' is not a pgjdbc");
    }

    @Test
    void connectionsAreRetiredBeforeTheServersIdleSessionTimeoutClosesThem() throws Exception {
        start(db.settings().maxSize(1).validateIdle(Duration.ofSeconds(60)).cleanup(Duration.ZERO)
                .driverProperties("options=-c idle_session_timeout=1500"));
        try (Connection c = ds.getConnection()) {
            assertThat(queryInt(c, "SELECT 1")).isEqualTo(1);
        }
        Await.until("the server to close the idle session", Duration.ofSeconds(10), () -> db.backends() == 0);
        try (Connection c = ds.getConnection()) {
            assertThat(queryInt(c, "SELECT count(*) FROM items")).as("no error for the application").isEqualTo(100);
        }
        assertThat(ds.pool().statistics().closedIdle()).isEqualTo(1);
    }

    @Test
    void idleInTransactionTimeoutCostsOnlyTheRequestThatHeldTheConnection() throws Exception {
        start(db.settings().maxSize(1).driverProperties("options=-c idle_in_transaction_session_timeout=300"));
        Connection c = ds.getConnection();
        c.setAutoCommit(false);
        assertThat(queryInt(c, "SELECT 1")).isEqualTo(1);
        Await.until("the server to end the idle transaction's session", Duration.ofSeconds(10),
                () -> db.backends() == 0);
        assertThatThrownBy(() -> queryInt(c, "SELECT 1")).isInstanceOf(SQLException.class);
        c.close();
        try (Connection next = ds.getConnection()) {
            assertThat(queryInt(next, "SELECT count(*) FROM items")).isEqualTo(100);
        }
        assertThat(ds.pool().statistics().closedBroken()).isEqualTo(1);
    }
}
