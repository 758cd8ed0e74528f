package io.github.pgpool.demo;

import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;

/**
 * The demo's own view of PostgreSQL, beside pgpool: it creates the demo database and counts the backends pgpool has
 * open to it in {@code pg_stat_activity}, which is the ground truth the pool's own figures are checked against.
 *
 * <p>The driver is loaded from its jar in a class loader of its own. Embedded Payara shares this JVM and asks the
 * JVM classpath first, so a driver on the classpath would quietly stand in for the one packed in pgpool.rar.
 */
final class Database implements AutoCloseable {
    /** Marks the demo's own sessions, so that they are never counted as pgpool's. */
    private static final String APPLICATION_NAME = "pgpool-demo-monitor";

    private final DemoConfig config;
    private final Driver driver;
    private final URLClassLoader loader;
    private Connection monitor;

    Database(DemoConfig config) {
        this.config = config;
        try {
            // Parent = platform loader: java.sql is visible, nothing from the application classpath is.
            loader = new URLClassLoader("pgpool-demo-driver", new URL[] {config.driverJar().toURI().toURL()},
                    ClassLoader.getPlatformClassLoader());
            driver = (Driver) loader.loadClass("org.postgresql.Driver").getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException | MalformedURLException e) {
            throw new IllegalStateException("cannot load the PostgreSQL driver from " + config.driverJar(), e);
        }
    }

    private Connection connect(String url) throws SQLException {
        Properties props = new Properties();
        props.setProperty("connectTimeout", "5");
        props.setProperty("socketTimeout", "10");
        props.setProperty("ApplicationName", APPLICATION_NAME);
        Connection c = driver.connect(url, props);
        if (c == null) {
            throw new SQLException("the PostgreSQL driver does not accept the URL " + config.safeUrl());
        }
        return c;
    }

    /**
     * Creates the demo database if it is missing, and in it a small table the sample application reads from.
     * Idempotent, so a second run reuses what the first one made.
     */
    void prepare() throws SQLException {
        try (Connection c = connect(config.url());
                PreparedStatement exists = c.prepareStatement("select 1 from pg_database where datname = ?")) {
            exists.setString(1, DemoConfig.DATABASE);
            boolean found;
            try (ResultSet rs = exists.executeQuery()) {
                found = rs.next();
            }
            if (!found) {
                try (Statement s = c.createStatement()) {
                    s.execute("create database " + DemoConfig.DATABASE);
                }
            }
        }
        try (Connection c = connect(config.urlFor(DemoConfig.DATABASE)); Statement s = c.createStatement()) {
            s.execute("create table if not exists demo_item(id int primary key, name text not null)");
            s.execute("insert into demo_item select g, 'item ' || g from generate_series(1, 100) g"
                    + " on conflict (id) do nothing");
        }
    }

    /**
     * What PostgreSQL shows of the demo database right now.
     *
     * @param count client backends, other than the demo's own
     * @param oldestSeconds age of the oldest of them, 0 if there is none
     */
    record Backends(int count, double oldestSeconds) {
    }

    /**
     * Backends connected to the demo database right now, other than the demo's own. One query on a connection kept
     * open to the administrative database, so that sampling adds no backend to what it counts.
     */
    Backends backends() throws SQLException {
        try {
            return queryBackends();
        } catch (SQLException e) {
            // The monitoring session itself may have been cut (a server restart, pg_terminate_backend by someone
            // else): one retry on a fresh session before the sample is given up.
            closeMonitor();
            return queryBackends();
        }
    }

    private Backends queryBackends() throws SQLException {
        if (monitor == null || monitor.isClosed()) {
            monitor = connect(config.url());
        }
        try (PreparedStatement s = monitor.prepareStatement("select count(*),"
                + " coalesce(extract(epoch from max(clock_timestamp() - backend_start)), 0)::float8"
                + " from pg_stat_activity"
                + " where datname = ? and backend_type = 'client backend' and application_name <> ?")) {
            s.setString(1, DemoConfig.DATABASE);
            s.setString(2, APPLICATION_NAME);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return new Backends(rs.getInt(1), rs.getDouble(2));
            }
        }
    }

    private void closeMonitor() {
        if (monitor != null) {
            try {
                monitor.close();
            } catch (SQLException e) {
                // Already broken; a new session replaces it.
            }
            monitor = null;
        }
    }

    @Override
    public void close() {
        closeMonitor();
        try {
            loader.close();
        } catch (java.io.IOException e) {
            // Closing at exit: nothing left to protect, and the summary matters more than this.
        }
    }
}
