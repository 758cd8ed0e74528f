package io.github.pgpool.core;

import io.github.pgpool.api.Credentials;
import io.github.pgpool.api.Durations;
import io.github.pgpool.api.InvalidSettingException;
import io.github.pgpool.api.PoolSettings;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Locale;
import java.util.Properties;
import org.postgresql.Driver;
import org.postgresql.PGProperty;

/**
 * Opens physical connections with pgjdbc's {@link Driver} directly (not through {@code DriverManager}, whose class
 * loader rules misbehave inside application servers), to the {@link ConnectionTarget} made from the settings: the
 * target, credentials and timeouts are connection properties, never parts of a URL. Immutable and thread-safe.
 */
public final class PgConnectionFactory implements ConnectionFactory {
    private final Driver driver = new Driver();
    private final ConnectionTarget target;
    private final Duration connectTimeout;
    /** Whether pgjdbc's sockets are pgpool's {@link LinkSocket}s (see {@link #driverSeesPgpool()}). */
    private final boolean ownSockets;

    /**
     * @param settings the connection target and driver properties
     * @throws InvalidSettingException if the Url cannot be read by pgjdbc, a part of the target breaks its rule, or
     *     a pass-through property is not one pgjdbc knows
     */
    public PgConnectionFactory(PoolSettings settings) {
        this.target = ConnectionTarget.of(settings);
        this.connectTimeout = settings.connectTimeout();
        this.ownSockets = driverSeesPgpool();
    }

    /**
     * Whether pgjdbc can instantiate {@link LinkSocketFactory} by name: not when pgjdbc was loaded by a class loader
     * that cannot see pgpool's classes (a driver in the application server's own library next to the adapter).
     * Without it the pool still works, with pgjdbc's own login timeout and without the checks the socket gives.
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
     * Opens a connection within {@code timeout} (at most ConnectTimeout). With pgpool's sockets the login runs on
     * this thread and its sockets give up at the pool's deadline; otherwise pgjdbc's login timeout bounds the whole
     * login to the millisecond. pgjdbc's connect timeout (whole seconds) bounds the TCP connect either way.
     */
    @Override
    public Connection open(Credentials credentials, Duration timeout) throws SQLException {
        long millis = Math.max(1, Math.min(Durations.toIntMillis(timeout), connectTimeout.toMillis()));
        Properties p = target.properties();
        if (ownSockets) {
            // pgjdbc's login timeout would run the login on a thread of its own and abandon it, still holding a
            // backend outside the pool's slot, when time runs out.
            PGProperty.SOCKET_FACTORY.set(p, LinkSocketFactory.class.getName());
            PGProperty.LOGIN_TIMEOUT.set(p, "0");
        } else {
            PGProperty.LOGIN_TIMEOUT.set(p, String.format(Locale.ROOT, "%.3f", millis / 1000.0));
        }
        PGProperty.CONNECT_TIMEOUT.set(p, Long.toString(Math.max(1, (millis + 999) / 1000)));
        if (!credentials.user().isEmpty()) {
            PGProperty.USER.set(p, credentials.user());
        }
        if (!credentials.password().isEmpty()) {
            PGProperty.PASSWORD.set(p, credentials.password());
        }
        Connection c = driver.connect(ConnectionTarget.BARE_URL, p);
        if (c == null) {
            throw new SQLException("pgjdbc did not accept the URL " + ConnectionTarget.BARE_URL, "08001");
        }
        return c;
    }

    /** @return the target for messages, like a JDBC URL, secret properties masked; never used to connect */
    public String url() {
        return target.shown();
    }

    @Override
    public String toString() {
        return "PgConnectionFactory{" + target.shown() + "}";
    }
}
