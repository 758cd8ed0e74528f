package io.github.pgpool.bench.stub;

import java.sql.Connection;
import java.sql.Driver;
import java.sql.DriverManager;
import java.sql.DriverPropertyInfo;
import java.sql.SQLException;
import java.util.Properties;
import java.util.logging.Logger;

/**
 * A JDBC driver for URLs {@code jdbc:stub:...} whose connections do no I/O, so that a benchmark measures only the
 * pool around it. Registered with {@link DriverManager} when loaded (and through {@code META-INF/services}), the way
 * HikariCP and DBCP2 find a driver by class name.
 */
public final class StubDriver implements Driver {
    /** The URL every stub-backed pool uses. */
    public static final String URL = "jdbc:stub:bench";

    static {
        try {
            DriverManager.registerDriver(new StubDriver());
        } catch (SQLException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Public for the pools that instantiate drivers by reflection. */
    public StubDriver() {
    }

    @Override
    public Connection connect(String url, Properties info) {
        return acceptsURL(url) ? new StubConnection() : null; // null: "not my URL", as the Driver contract says
    }

    @Override
    public boolean acceptsURL(String url) {
        return url != null && url.startsWith("jdbc:stub:");
    }

    @Override
    public DriverPropertyInfo[] getPropertyInfo(String url, Properties info) {
        return new DriverPropertyInfo[0];
    }

    @Override
    public int getMajorVersion() {
        return 1;
    }

    @Override
    public int getMinorVersion() {
        return 0;
    }

    @Override
    public boolean jdbcCompliant() {
        return false;
    }

    @Override
    public Logger getParentLogger() {
        return Logger.getLogger("io.github.pgpool.bench.stub");
    }
}
