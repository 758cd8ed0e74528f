package io.github.pgpool.it;

import java.io.File;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import javax.sql.XAConnection;
import javax.sql.XADataSource;
import javax.transaction.xa.XAResource;
import javax.transaction.xa.Xid;

/**
 * The tests' own connection to PostgreSQL, used to prepare databases and to observe what pgpool does to them
 * ({@code pg_stat_activity}, {@code pg_prepared_xacts}). The driver is loaded from its jar in a class loader of its
 * own: embedded Payara shares the test JVM and prefers the JVM classpath, so a driver there would quietly replace the
 * one packed in pgpool.rar.
 */
public final class AdminDb {
    private static volatile Driver driver;
    private static volatile ClassLoader driverLoader;
    private static volatile String unreachable;

    private AdminDb() {
    }

    private static Driver driver() {
        Driver d = driver;
        if (d == null) {
            synchronized (AdminDb.class) {
                if (driver == null) {
                    File jar = ItEnv.driverJar();
                    try {
                        // Parent = platform loader: java.sql is visible, nothing from the test classpath is.
                        URLClassLoader loader = new URLClassLoader("pgpool-it-admin-driver",
                                new URL[] {jar.toURI().toURL()}, ClassLoader.getPlatformClassLoader());
                        driver = (Driver) loader.loadClass("org.postgresql.Driver").getDeclaredConstructor()
                                .newInstance();
                        driverLoader = loader;
                    } catch (ReflectiveOperationException | MalformedURLException e) {
                        throw new IllegalStateException("cannot load the PostgreSQL driver from " + jar, e);
                    }
                }
                d = driver;
            }
        }
        return d;
    }

    /** The admin URL pointed at another database of the same server. */
    static String url(String database) {
        String url = ItEnv.adminUrl();
        return database == null ? url : url.replaceFirst("^(jdbc:postgresql://[^/]*/)[^?]*", "$1" + database);
    }

    /**
     * Leaves a prepared (in-doubt) XA branch with the given Xid in the database, holding one inserted row, the state
     * a crash between prepare and commit leaves behind. pgjdbc's own XA support writes it, so pgjdbc's recover() in
     * the server will recognise it.
     */
    public static void prepareBranch(String database, Xid xid, String tag) throws Exception {
        driver();
        XADataSource xads = (XADataSource) driverLoader.loadClass("org.postgresql.xa.PGXADataSource")
                .getDeclaredConstructor().newInstance();
        String url = url(database);
        url += (url.contains("?") ? "&" : "?") + "ApplicationName=pgpool-it-admin";
        xads.getClass().getMethod("setUrl", String.class).invoke(xads, url);
        XAConnection xa = xads.getXAConnection();
        try {
            XAResource resource = xa.getXAResource();
            resource.start(xid, XAResource.TMNOFLAGS);
            try (Connection c = xa.getConnection();
                    PreparedStatement s = c.prepareStatement("insert into item(tag) values (?)")) {
                s.setString(1, tag);
                s.executeUpdate();
            }
            resource.end(xid, XAResource.TMSUCCESS);
            resource.prepare(xid);
        } finally {
            xa.close();
        }
    }

    /** Opens a connection to the admin URL's database, or to {@code database} on the same server. */
    public static Connection connect(String database) throws SQLException {
        String url = url(database);
        Properties props = new Properties();
        props.setProperty("connectTimeout", "5");
        props.setProperty("ApplicationName", "pgpool-it-admin");
        Connection c = driver().connect(url, props);
        if (c == null) {
            throw new SQLException("the PostgreSQL driver does not accept the URL " + url);
        }
        return c;
    }

    /**
     * @return whether {@code user} logs in to {@code database} with {@code password} (false when the server refuses
     *     it); for tests that change a role's password
     */
    public static boolean loginWorks(String database, String user, String password) {
        ItEnv.Server server = ItEnv.server();
        Properties login = new Properties();
        login.setProperty("user", user);
        login.setProperty("password", password); // never in the URL: pgjdbc logs URLs
        login.setProperty("connectTimeout", "5");
        login.setProperty("ApplicationName", "pgpool-it-admin");
        try (Connection c = driver().connect("jdbc:postgresql://" + server.host() + ":" + server.port() + "/"
                + database, login)) {
            return c != null && c.isValid(2);
        } catch (SQLException e) {
            return false;
        }
    }

    /**
     * Fails fast, once per JVM, with one message that says what is missing and how to point the tests elsewhere:
     * PostgreSQL must be reachable and must allow prepared transactions (two-phase commit).
     */
    public static void requireServer() {
        if (unreachable != null) {
            throw new IllegalStateException(unreachable);
        }
        String url = ItEnv.adminUrl();
        String how = " Start PostgreSQL 15 (for example: pg_ctlcluster --skip-systemctl-redirect 15 main start) or point "
                + "the tests at a server with -Dpgpool.test.url=jdbc:postgresql://HOST:PORT/postgres?user=USER "
                + "(or the environment variable PGPOOL_TEST_URL).";
        try (Connection c = connect(null); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("show max_prepared_transactions")) {
            rs.next();
            if (rs.getInt(1) == 0) {
                unreachable = "PostgreSQL at " + url + " has max_prepared_transactions = 0, so XA two-phase commit "
                        + "cannot work. Run: psql -c \"ALTER SYSTEM SET max_prepared_transactions = 64\" and restart "
                        + "the server (pg_ctlcluster --skip-systemctl-redirect 15 main restart).";
            }
        } catch (SQLException | RuntimeException e) {
            unreachable = "pgpool-it needs a PostgreSQL server and cannot use " + url + ": " + e.getMessage() + "." + how;
        }
        if (unreachable != null) {
            throw new IllegalStateException(unreachable);
        }
    }

    /** Creates the database if it does not exist, and in it the table {@code item} the scenarios write to. */
    public static void ensureDatabase(String name) throws SQLException {
        try (Connection c = connect(null);
                PreparedStatement exists = c.prepareStatement("select 1 from pg_database where datname = ?")) {
            exists.setString(1, name);
            boolean found;
            try (ResultSet rs = exists.executeQuery()) {
                found = rs.next();
            }
            if (!found) {
                try (Statement s = c.createStatement()) {
                    s.execute("create database " + name);
                }
            }
        }
        try (Connection c = connect(name); Statement s = c.createStatement()) {
            s.execute("create table if not exists item(tag text not null)");
        }
    }

    /** Rolls back prepared transactions left in this database by an earlier, interrupted run. */
    public static int rollbackLeftoverPrepared(String database) throws SQLException {
        List<String> gids = preparedXacts(database);
        try (Connection c = connect(database); Statement s = c.createStatement()) {
            for (String gid : gids) {
                s.execute("rollback prepared '" + gid.replace("'", "''") + "'");
            }
        }
        return gids.size();
    }

    public static List<String> preparedXacts(String database) {
        try {
            return strings("select gid from pg_prepared_xacts where database = ?", database);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read pg_prepared_xacts", e);
        }
    }

    /** Backends that pgpool (or anyone but this class) has open to the database right now. */
    public static int backends(String database) {
        try {
            return strings("select pid from pg_stat_activity where datname = ? and backend_type = 'client backend'"
                    + " and application_name <> 'pgpool-it-admin'", database).size();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read pg_stat_activity", e);
        }
    }

    /**
     * Terminates the backends pgpool has open to the database, as an operator's {@code pg_terminate_backend} or a
     * restart does.
     *
     * @return how many were terminated
     */
    public static int terminateBackends(String database) {
        try {
            return strings("select pid from pg_stat_activity where datname = ? and backend_type = 'client backend'"
                    + " and application_name <> 'pgpool-it-admin' and pg_terminate_backend(pid)", database).size();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot terminate the backends of " + database, e);
        }
    }

    /** One row of pg_stat_activity for the database. */
    public record Backend(int pid, String state, double ageSeconds) {
    }

    public static List<Backend> backendDetails(String database) {
        List<Backend> result = new ArrayList<>();
        try (Connection c = connect(null); PreparedStatement s = c.prepareStatement(
                "select pid, coalesce(state, ''), extract(epoch from clock_timestamp() - backend_start)::float8"
                        + " from pg_stat_activity where datname = ? and backend_type = 'client backend'"
                        + " and application_name <> 'pgpool-it-admin'")) {
            s.setString(1, database);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    result.add(new Backend(rs.getInt(1), rs.getString(2), rs.getDouble(3)));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read pg_stat_activity", e);
        }
        return result;
    }

    public static int countTag(String database, String tag) throws SQLException {
        try (Connection c = connect(database);
                PreparedStatement s = c.prepareStatement("select count(*) from item where tag = ?")) {
            s.setString(1, tag);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    public static List<String> strings(String sql, String parameter) throws SQLException {
        List<String> result = new ArrayList<>();
        try (Connection c = connect(null); PreparedStatement s = c.prepareStatement(sql)) {
            s.setString(1, parameter);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    result.add(rs.getString(1));
                }
            }
        }
        return result;
    }

    /** A single value from a query run in the given database. */
    public static String value(String database, String sql, String parameter) throws SQLException {
        try (Connection c = connect(database); PreparedStatement s = c.prepareStatement(sql)) {
            s.setString(1, parameter);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }
}
