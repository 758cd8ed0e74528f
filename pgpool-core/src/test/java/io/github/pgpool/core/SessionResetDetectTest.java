package io.github.pgpool.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The leaks of issue 15, end to end through the pool at its default settings ({@code SessionReset=detect}) with
 * MaxSize 1: a borrower runs the statement through {@code prepareStatement}, the next borrower gets the same
 * backend and must find none of its session state.
 */
class SessionResetDetectTest {
    private static TestDatabase db;
    private static PgPoolDataSource ds;
    private static String defaultSearchPath;

    @BeforeAll
    static void start() throws SQLException {
        db = TestDatabase.create("pgpool_h1_reset");
        db.run("CREATE SEQUENCE h1_seq");
        ds = new PgPoolDataSource(db.settings().maxSize(1).build());
        try (Connection c = ds.getConnection()) {
            defaultSearchPath = query(c, "SHOW search_path");
        }
    }

    @AfterAll
    static void stop() {
        ds.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"UPDATE pg_settings SET setting = 'h1_x' WHERE name = 'search_path'",
        "-- c\rSET search_path = h1_x", "/* a /* b */ c */ SET search_path = h1_x",
        "SELECT U&\"set\\005fconfig\"('search_path', 'h1_x', false)", "SELECT 1 AS x\nINTO TEMP h1_leak",
        "WITH a AS (SELECT 1 AS x) SELECT * INTO TEMP h1_leak FROM a",
        "EXPLAIN ANALYZE CREATE TEMP TABLE h1_leak AS SELECT 1 AS a", "SELECT nextval('h1_seq')",
        "SELECT pg_advisory_lock(15)", "DECLARE h1_c CURSOR WITH HOLD FOR SELECT 1", "LISTEN h1_channel",
        "PREPARE h1_p AS SELECT 1", "SELECT 1; SET ROLE pg_monitor"})
    void theNextBorrowerFindsNoneOfTheStatementsState(String sql) throws SQLException {
        int pid = runAndGiveBack(sql);
        try (Connection c = ds.getConnection()) {
            assertThat(Integer.parseInt(query(c, "SELECT pg_backend_pid()"))).as("the same backend").isEqualTo(pid);
            assertThat(query(c, "SHOW search_path")).isEqualTo(defaultSearchPath);
            assertThat(query(c, "SELECT current_user = session_user")).isEqualTo("t");
            assertThat(query(c, "SELECT (SELECT count(*) FROM pg_class WHERE relnamespace = pg_my_temp_schema())"
                    + " + (SELECT count(*) FROM pg_prepared_statements WHERE from_sql)"
                    + " + (SELECT count(*) FROM pg_cursors WHERE name <> '')" // not the unnamed portal of this query
                    + " + (SELECT count(*) FROM pg_listening_channels())"
                    + " + (SELECT count(*) FROM pg_locks WHERE pid = pg_backend_pid() AND locktype = 'advisory')"))
                    .as("temporary tables, prepared statements, cursors, channels and advisory locks").isEqualTo("0");
            assertThatThrownBy(() -> query(c, "SELECT currval('h1_seq')")).as("currval after an earlier nextval")
                    .isInstanceOf(SQLException.class).extracting(t -> ((SQLException) t).getSQLState())
                    .isEqualTo("55000");
        }
    }

    /**
     * What DISCARD ALL does not undo: after {@code setseed} the next borrower's {@code random()} would repeat the
     * sequence the previous borrower chose, after {@code LOAD} the library stays loaded. The pool closes such a
     * connection instead of resetting it: the next borrower gets a new backend, and its random() is not the seeded
     * sequence.
     */
    @ParameterizedTest
    @ValueSource(strings = {"SELECT setseed(0.5)", "select 1; /* c */ Load 'auto_explain'", "SELECT \"setseed\"(0.5)"})
    void aStatementWhoseStateNoResetUndoesCostsItsConnection(String sql) throws SQLException {
        String seeded;
        try (Connection c = ds.getConnection()) {
            query(c, "SELECT setseed(0.5)");
            seeded = query(c, "SELECT random()"); // the first number of the seeded sequence
        }
        int pid = runAndGiveBack(sql);
        try (Connection c = ds.getConnection()) {
            assertThat(Integer.parseInt(query(c, "SELECT pg_backend_pid()"))).as("a new backend").isNotEqualTo(pid);
            assertThat(query(c, "SELECT random()")).as("not the previous borrower's seeded sequence")
                    .isNotEqualTo(seeded);
        }
    }

    /** Runs {@code sql} through prepareStatement on a borrowed connection and gives it back; @return its backend */
    private static int runAndGiveBack(String sql) throws SQLException {
        try (Connection c = ds.getConnection()) {
            int pid = Integer.parseInt(query(c, "SELECT pg_backend_pid()"));
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                ps.execute();
            }
            return pid;
        }
    }

    /** Through prepareStatement, which the pool classifies (a plain Statement alone would force the reset). */
    private static String query(Connection c, String sql) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getString(1);
        }
    }
}
