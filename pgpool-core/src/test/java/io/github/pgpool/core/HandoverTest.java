package io.github.pgpool.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;
import org.postgresql.jdbc.AutoSave;
import org.postgresql.jdbc.PgConnection;

/**
 * What one borrower leaves on a connection never reaches the next, at the default settings, through the paths that
 * go around the SQL the pool sees: transaction control run as SQL, the driver's own connection handed out by
 * {@code unwrap}, and the connections that statements and metadata lead to. MaxSize 1, so the next borrower gets the
 * same backend (checked by its pid).
 */
class HandoverTest {
    private static TestDatabase db;
    private PgPoolDataSource ds;

    @BeforeAll
    static void createDatabase() {
        db = TestDatabase.create("pgpool_core_handover");
        db.run("CREATE TABLE t (id int)");
    }

    @BeforeEach
    void start() {
        ds = new PgPoolDataSource(db.settings().maxSize(1).build());
        db.run("TRUNCATE t");
    }

    @AfterEach
    void stop() {
        ds.close();
        Await.until("the pool's backend to go", Duration.ofSeconds(10), () -> db.backends() == 0);
    }

    private static String one(Connection c, String sql) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(sql); ResultSet rs = s.executeQuery()) {
            rs.next();
            return rs.getString(1);
        }
    }

    @Test
    void aTransactionBegunAsSqlInAutocommitIsRolledBackAndTheConnectionKept() throws Exception {
        String pid;
        try (Connection c = ds.getConnection()) {
            pid = one(c, "SELECT pg_backend_pid()");
            try (PreparedStatement s = c.prepareStatement("BEGIN")) {
                s.execute();
            }
            try (PreparedStatement s = c.prepareStatement("INSERT INTO t VALUES (1)")) {
                s.executeUpdate();
            }
        }
        try (Connection c = ds.getConnection()) {
            assertThat(one(c, "SELECT pg_backend_pid()")).as("same backend").isEqualTo(pid);
            assertThat(one(c, "SELECT count(*) FROM t")).as("the open transaction was rolled back").isEqualTo("0");
            assertThat(one(c, "SELECT now() = statement_timestamp()")).as("no transaction open").isEqualTo("f");
        }
        assertThat(ds.pool().statistics().closedBroken()).as("connections closed as broken").isZero();
        assertThat(db.backends()).isEqualTo(1);
    }

    @Test
    void driverSettingsChangedThroughTheDriversConnectionAreRestored() throws Exception {
        PGConnection before;
        int fetchSize;
        int threshold;
        AutoSave autosave;
        try (Connection c = ds.getConnection()) {
            before = c.unwrap(PGConnection.class);
            fetchSize = before.getDefaultFetchSize();
            threshold = before.getPrepareThreshold();
            autosave = before.getAutosave();
            before.setDefaultFetchSize(fetchSize + 7);
            before.setPrepareThreshold(threshold + 3);
            before.setAutosave(AutoSave.ALWAYS);
            before.setAdaptiveFetch(!before.getAdaptiveFetch());
        }
        try (Connection c = ds.getConnection()) {
            PGConnection after = c.unwrap(PGConnection.class);
            assertThat(after).as("same physical connection").isSameAs(before);
            assertThat(after.getDefaultFetchSize()).isEqualTo(fetchSize);
            assertThat(after.getPrepareThreshold()).isEqualTo(threshold);
            assertThat(after.getAutosave()).isEqualTo(autosave);
            assertThat(after.getAdaptiveFetch()).isFalse();
        }
    }

    @Test
    void sqlRunOnTheDriversConnectionIsResetLikeAnyOther() throws Exception {
        String pid;
        try (Connection c = ds.getConnection()) {
            pid = one(c, "SELECT pg_backend_pid()");
            Connection physical = c.unwrap(PgConnection.class);
            try (Statement s = physical.createStatement()) {
                s.execute("SET search_path = pg_catalog");
                s.execute("LISTEN pgpool_handover");
                s.execute("CREATE TEMP TABLE leftover (x int)");
            }
        }
        try (Connection c = ds.getConnection()) {
            assertThat(one(c, "SELECT pg_backend_pid()")).isEqualTo(pid);
            assertThat(one(c, "SHOW search_path")).isEqualTo("\"$user\", public");
            assertThat(one(c, "SELECT count(*) FROM pg_listening_channels()")).isEqualTo("0");
            assertThat(one(c, "SELECT count(*) FROM pg_class WHERE relname = 'leftover'")).isEqualTo("0");
        }
    }

    @Test
    void statementsAndMetadataLeadBackToTheHandleNotToThePhysicalConnection() throws Exception {
        try (Connection c = ds.getConnection()) {
            try (Statement s = c.createStatement()) {
                assertThat(s.getConnection()).isSameAs(c);
            }
            try (PreparedStatement s = c.prepareStatement("SELECT 1")) {
                assertThat(s.getConnection()).isSameAs(c);
            }
            try (Statement s = c.prepareCall("{? = call lower('A')}")) {
                assertThat(s.getConnection()).isSameAs(c);
            }
            assertThat(c.getMetaData().getConnection()).isSameAs(c);
            assertThat(c.getMetaData().getURL()).startsWith("jdbc:postgresql:");
            try (ResultSet rs = c.getMetaData().getTables(null, "public", "t", null)) {
                assertThat(rs.next()).as("metadata queries work").isTrue();
            }
        }
    }

    @Test
    void aSetRunThroughAPlainStatementIsResetAndASelectCostsNoReset() throws Exception {
        String pid;
        try (Connection c = ds.getConnection()) {
            pid = one(c, "SELECT pg_backend_pid()");
            try (Statement s = c.createStatement()) {
                s.execute("SET application_name = 'leftover'");
            }
        }
        try (Connection c = ds.getConnection()) {
            assertThat(one(c, "SELECT pg_backend_pid()")).isEqualTo(pid);
            assertThat(one(c, "SHOW application_name")).isNotEqualTo("leftover");
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT 1")) {
                rs.next();
            }
            try (Statement s = c.createStatement()) {
                s.execute("PREPARE kept AS SELECT 1"); // only DISCARD ALL removes it
            }
        }
        try (Connection c = ds.getConnection()) {
            assertThat(one(c, "SELECT count(*) FROM pg_prepared_statements WHERE name = 'kept'")).isEqualTo("0");
        }
    }
}
