package io.github.pgpool.jca;

import io.github.pgpool.testing.TestServerUrl;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntPredicate;

/** The real PostgreSQL the tests run against, found by the one rule of {@link TestServerUrl}. */
final class TestDatabase {
    static final String URL = TestServerUrl.adminUrl();
    static final String HOST;
    static final String PORT;
    static final String DATABASE;
    static final String USER;
    static final String PASSWORD;
    /** A second login role, for tests of credentials partitions. */
    static final String OTHER_USER = "pgpool_rar_test_user";

    static {
        TestServerUrl.Server server = TestServerUrl.server();
        HOST = server.host();
        PORT = Integer.toString(server.port());
        DATABASE = server.database();
        USER = server.user();
        PASSWORD = server.password();
    }

    private TestDatabase() {
    }

    /** @return an application name that marks the backends of one test in pg_stat_activity */
    static String uniqueApplicationName() {
        return "pgpool-rar-test-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** @return a factory configured for the test database, tagged with {@code applicationName} */
    static PgPoolManagedConnectionFactory factory(String applicationName) {
        PgPoolManagedConnectionFactory f = new PgPoolManagedConnectionFactory();
        f.setServerName(HOST);
        f.setPortNumber(PORT);
        f.setDatabaseName(DATABASE);
        f.setUser(USER);
        f.setPassword(PASSWORD);
        f.setDriverProperties("ApplicationName=" + applicationName);
        return f;
    }

    /** @return a plain pgjdbc connection, outside every pool, for looking at the database from the side */
    static Connection direct() throws SQLException {
        return DriverManager.getConnection(URL);
    }

    static void execute(String sql) throws SQLException {
        try (Connection c = direct(); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    static long count(String sql, Object... args) throws SQLException {
        try (Connection c = direct(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /** @return how many backends carry this application name now */
    static int backends(String applicationName) throws SQLException {
        return (int) count("SELECT count(*) FROM pg_stat_activity WHERE application_name = ?", applicationName);
    }

    /**
     * Polls pg_stat_activity until the number of backends satisfies {@code condition}; backends vanish
     * asynchronously after a close, so a single look could see one that is already on its way out.
     *
     * @return the last count seen
     */
    static int awaitBackends(String applicationName, IntPredicate condition) throws SQLException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        int n;
        while (!condition.test(n = backends(applicationName)) && System.nanoTime() - deadline < 0) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
        }
        return n;
    }

    /** Creates {@link #OTHER_USER} if missing (trust authentication: any password is accepted). */
    static void ensureOtherUser() throws SQLException {
        execute("DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '" + OTHER_USER + "') THEN "
                + "CREATE ROLE " + OTHER_USER + " LOGIN; END IF; END $$");
    }
}
