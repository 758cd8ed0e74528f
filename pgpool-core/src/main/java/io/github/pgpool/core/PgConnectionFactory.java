package io.github.pgpool.core;

import io.github.pgpool.api.Credentials;
import io.github.pgpool.api.InvalidSettingException;
import io.github.pgpool.api.PoolSetting;
import io.github.pgpool.api.PoolSettings;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import org.postgresql.Driver;
import org.postgresql.PGProperty;

/**
 * Opens physical connections with pgjdbc's {@link Driver} directly (not through {@code DriverManager}, whose class
 * loader rules misbehave inside application servers).
 */
public final class PgConnectionFactory implements ConnectionFactory {
    private final Driver driver = new Driver();
    private final String url;
    private final Properties base;
    private final Duration connectTimeout;
    /** Whether pgjdbc's sockets are pgpool's {@link LinkSocket}s (see {@link #driverSeesPgpool()}). */
    private final boolean ownSockets;

    /**
     * @param settings the connection target and driver properties
     * @throws InvalidSettingException if a pass-through driver property is not one pgjdbc knows
     */
    public PgConnectionFactory(PoolSettings settings) {
        for (String key : settings.driverProperties().keySet()) {
            if (PGProperty.forName(key) == null) {
                throw new InvalidSettingException(PoolSetting.DRIVER_PROPERTIES.displayName(), key,
                        "'" + key + "' is not a pgjdbc connection property (names are case-sensitive, "
                                + "for example sslmode, ApplicationName, socketTimeout)");
            }
        }
        this.url = "jdbc:postgresql://" + hostPart(settings.serverName()) + ":" + settings.portNumber() + "/"
                + settings.databaseName();
        Properties p = new Properties();
        for (Map.Entry<String, String> e : settings.driverProperties().entrySet()) {
            p.setProperty(e.getKey(), e.getValue());
        }
        this.connectTimeout = settings.connectTimeout();
        this.base = p;
        this.ownSockets = !p.containsKey(PGProperty.SOCKET_FACTORY.getName()) && driverSeesPgpool();
    }

    /**
     * Whether pgjdbc can instantiate {@link LinkSocketFactory} by name: not when the application brings a socket
     * factory of its own, nor when pgjdbc was loaded by a class loader that cannot see pgpool's classes (a driver
     * in the application server's own library next to the adapter).
     */
    private static boolean driverSeesPgpool() {
        try {
            return Class.forName(LinkSocketFactory.class.getName(), false, Driver.class.getClassLoader())
                    == LinkSocketFactory.class;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    @Override
    public Connection open(Credentials credentials) throws SQLException {
        return open(credentials, connectTimeout);
    }

    /**
     * Opens a connection within {@code timeout} (at most ConnectTimeout): pgjdbc's login timeout bounds the whole
     * login to the millisecond, its connect timeout (whole seconds) bounds the TCP connect.
     */
    @Override
    public Connection open(Credentials credentials, Duration timeout) throws SQLException {
        long millis = Math.max(1, Math.min(timeout.toMillis(), connectTimeout.toMillis()));
        Properties p = new Properties();
        p.putAll(base);
        if (ownSockets) {
            // The login runs on this thread and its sockets give up at the pool's deadline; pgjdbc's login timeout
            // would run it on a thread of its own and abandon it, still holding a backend, when time runs out.
            PGProperty.SOCKET_FACTORY.set(p, LinkSocketFactory.class.getName());
            PGProperty.LOGIN_TIMEOUT.set(p, "0");
        } else {
            PGProperty.LOGIN_TIMEOUT.set(p, String.format(Locale.ROOT, "%.3f", millis / 1000.0));
        }
        PGProperty.CONNECT_TIMEOUT.set(p, Long.toString(Math.max(1, ceilSeconds(millis))));
        if (!credentials.user().isEmpty()) {
            PGProperty.USER.set(p, credentials.user());
        }
        if (!credentials.password().isEmpty()) {
            PGProperty.PASSWORD.set(p, credentials.password());
        }
        Connection c = driver.connect(url, p);
        if (c == null) {
            throw new SQLException("pgjdbc did not accept the URL " + url, "08001");
        }
        return c;
    }

    /** @return the JDBC URL used, without credentials */
    public String url() {
        return url;
    }

    @Override
    public String toString() {
        return "PgConnectionFactory{" + url + "}";
    }

    private static String hostPart(String host) {
        // An IPv6 literal must be bracketed in a URL.
        return host.indexOf(':') >= 0 && !host.startsWith("[") ? "[" + host + "]" : host;
    }

    private static long ceilSeconds(long millis) {
        return (millis + 999) / 1000;
    }
}
