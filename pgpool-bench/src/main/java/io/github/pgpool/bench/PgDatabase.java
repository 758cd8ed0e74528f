package io.github.pgpool.bench;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The real PostgreSQL server of the benchmarks and its test data: database {@code pgpool_bench} with table
 * {@code bench_items(id int primary key, name text)} of {@value #ROWS} rows. Host, port and user come from system
 * properties {@code bench.pg.host}, {@code bench.pg.port}, {@code bench.pg.user} (default 127.0.0.1, 5432,
 * postgres; trust authentication).
 */
public final class PgDatabase {
    /** Rows in {@code bench_items}; queries pick an id in [1, ROWS] at random. */
    public static final int ROWS = 10_000;
    /** The database the benchmarks create and use. */
    public static final String DATABASE = "pgpool_bench";
    /** The query of every real-database benchmark. */
    public static final String SELECT_BY_ID = "SELECT id, name FROM bench_items WHERE id = ?";

    private PgDatabase() {
    }

    /** @return the server's host */
    public static String host() {
        return System.getProperty("bench.pg.host", "127.0.0.1");
    }

    /** @return the server's port */
    public static int port() {
        return Integer.getInteger("bench.pg.port", 5432);
    }

    /** @return the login user (trust authentication) */
    public static String user() {
        return System.getProperty("bench.pg.user", "postgres");
    }

    /** @return a pool target for the benchmark database, tagged with {@code applicationName} */
    public static Pools.Target target(String applicationName) {
        return Pools.Target.postgres(host(), port(), DATABASE, user(), applicationName);
    }

    /** @return a plain pgjdbc connection to {@code database} (not pooled) */
    public static Connection connect(String database, String applicationName) throws SQLException {
        return DriverManager.getConnection("jdbc:postgresql://" + host() + ":" + port() + "/" + database + "?user="
                + user() + "&ApplicationName=" + applicationName);
    }

    /** @return whether the server answers */
    public static boolean available() {
        try (Connection c = connect("postgres", "pgpool-bench-probe")) {
            return c.isValid(2);
        } catch (SQLException e) {
            return false;
        }
    }

    /**
     * @return when the server last started ({@code pg_postmaster_start_time()}), or null if it does not answer: a
     *         change between two calls means someone restarted it in between
     */
    public static String startTime() {
        try (Connection c = connect("postgres", "pgpool-bench-probe"); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT pg_postmaster_start_time()::text")) {
            return rs.next() ? rs.getString(1) : null;
        } catch (SQLException e) {
            return null;
        }
    }

    /** Creates the database and fills the table unless they are already there with the expected rows. */
    public static void prepare() throws SQLException {
        try (Connection c = connect("postgres", "pgpool-bench-setup"); Statement s = c.createStatement()) {
            boolean exists;
            try (ResultSet rs = s.executeQuery("SELECT 1 FROM pg_database WHERE datname = '" + DATABASE + "'")) {
                exists = rs.next();
            }
            if (!exists) {
                s.execute("CREATE DATABASE " + DATABASE);
            }
        }
        try (Connection c = connect(DATABASE, "pgpool-bench-setup"); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS bench_items(id int PRIMARY KEY, name text NOT NULL)");
            long rows;
            try (ResultSet rs = s.executeQuery("SELECT count(*) FROM bench_items")) {
                rs.next();
                rows = rs.getLong(1);
            }
            if (rows != ROWS) {
                s.execute("TRUNCATE bench_items");
                s.execute("INSERT INTO bench_items SELECT i, 'item ' || i FROM generate_series(1, " + ROWS + ") i");
                s.execute("ANALYZE bench_items");
            }
        }
    }
}
