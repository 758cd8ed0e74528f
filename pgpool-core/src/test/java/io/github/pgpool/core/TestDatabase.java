package io.github.pgpool.core;

import io.github.pgpool.api.PoolSettings;
import io.github.pgpool.testing.TestServerUrl;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * The real PostgreSQL the integration tests talk to, found by the one rule of {@link TestServerUrl}. Each test class
 * works in a database of its own, so that counts of backends in {@code pg_stat_activity} are exact.
 */
final class TestDatabase {
    static final String URL_PROPERTY = TestServerUrl.PROPERTY;
    private static volatile String unreachable;

    final String name;
    private final TestServerUrl.Server target;

    private TestDatabase(String name, TestServerUrl.Server target) {
        this.name = name;
        this.target = target;
    }

    static String adminUrl() {
        return TestServerUrl.adminUrl();
    }

    /** @return an admin connection, or fails at once with one message saying what is missing and what to do */
    static Connection admin() {
        if (unreachable != null) {
            throw new IllegalStateException(unreachable);
        }
        String url = adminUrl();
        try {
            DriverManager.setLoginTimeout(5);
            return DriverManager.getConnection(url);
        } catch (SQLException e) {
            unreachable = "PostgreSQL is not reachable at " + url + " (from " + TestServerUrl.source() + "; "
                    + e.getMessage() + "). pgpool's tests need a "
                    + "running PostgreSQL: start the local one (bash .ci/run prepares it) or point the tests at "
                    + "another with -D" + URL_PROPERTY + "=jdbc:postgresql://HOST:PORT/DB?user=USER&password=PW "
                    + "or the environment variable PGPOOL_TEST_URL.";
            throw new IllegalStateException(unreachable, e);
        }
    }

    /** Creates (anew) a database for one test class. */
    static TestDatabase create(String name) {
        try (Connection c = admin(); Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
            s.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create test database " + name, e);
        }
        return new TestDatabase(name, TestServerUrl.server());
    }

    /** @return settings that point at this database with the admin's credentials; tests adjust the rest */
    PoolSettings.Builder settings() {
        PoolSettings.Builder b = PoolSettings.builder().databaseName(name).serverName(target.host())
                .portNumber(target.port()).user(target.user());
        if (!target.password().isEmpty()) {
            b.password(target.password());
        }
        return b;
    }

    /** @return client backends connected to this database now */
    int backends() {
        return pids().size();
    }

    /** @return the process ids of client backends connected to this database now */
    List<Integer> pids() {
        try (Connection c = admin(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT pid FROM pg_stat_activity WHERE datname = '" + name
                        + "' AND backend_type = 'client backend' AND pid <> pg_backend_pid()")) {
            List<Integer> pids = new ArrayList<>();
            while (rs.next()) {
                pids.add(rs.getInt(1));
            }
            return pids;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Runs statements as the admin in this database. */
    void run(String... sql) {
        String url = TestServerUrl.withDatabase(name);
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
            for (String q : sql) {
                s.execute(q);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Terminates backends of this database, as an operator would. */
    int terminate(List<Integer> pids) {
        int n = 0;
        try (Connection c = admin(); Statement s = c.createStatement()) {
            for (int pid : pids) {
                try (ResultSet rs = s.executeQuery("SELECT pg_terminate_backend(" + pid + ")")) {
                    rs.next();
                    n += rs.getBoolean(1) ? 1 : 0;
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return n;
    }
}
