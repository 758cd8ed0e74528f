package io.github.pgpool.jca;

import io.github.pgpool.api.Credentials;
import io.github.pgpool.api.InvalidSettingException;
import io.github.pgpool.api.PoolSetting;
import io.github.pgpool.api.PoolSettings;
import io.github.pgpool.core.PgPool;
import io.github.pgpool.core.PooledConnection;
import jakarta.resource.ResourceException;
import jakarta.resource.spi.ConnectionManager;
import jakarta.resource.spi.ConnectionRequestInfo;
import jakarta.resource.spi.InvalidPropertyException;
import jakarta.resource.spi.ManagedConnection;
import jakarta.resource.spi.ManagedConnectionFactory;
import jakarta.resource.spi.ResourceAdapter;
import jakarta.resource.spi.ResourceAdapterAssociation;
import jakarta.resource.spi.ValidatingManagedConnectionFactory;
import jakarta.transaction.TransactionSynchronizationRegistry;
import java.io.PrintWriter;
import java.lang.System.Logger.Level;
import java.lang.ref.Cleaner;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.util.HashSet;
import java.util.Set;
import javax.security.auth.Subject;

/**
 * The managed connection factory of pgpool. Its configuration properties are exactly the settings of
 * {@link PoolSetting}, all as text: setters store what the administrator typed, and the text is validated into
 * {@link PoolSettings} as early as the server allows ({@link #setResourceAdapter}) and at the latest when the pool is
 * first needed, so that a bad value is reported with pgpool's own message (setting, value, rule).
 *
 * <p>Each factory uses one {@link PgPool}, started lazily and shared through the resource adapter with every factory
 * of equal settings. {@link #equals} and {@link #hashCode} follow the configuration, as the Connectors specification
 * requires. The password never appears in {@link #toString()} or in a message.
 */
public class PgPoolManagedConnectionFactory
        implements ManagedConnectionFactory, ResourceAdapterAssociation, ValidatingManagedConnectionFactory {
    private static final long serialVersionUID = 1L;
    private static final System.Logger LOG = System.getLogger(PgPoolManagedConnectionFactory.class.getName());
    /** Gives a dropped factory's pool reference back; its thread exists once per adapter class loader. */
    private static final Cleaner CLEANER = Cleaner.create();

    /** The configuration properties as typed; the only state that is configuration (equals, serialisation). */
    private final ConfiguredSettings configured = new ConfiguredSettings();

    private transient volatile PgPoolResourceAdapter adapter;
    private transient volatile ValidatedSettings validated;
    private transient volatile PoolRegistry.Reference poolReference;
    /** The reference a setter changed away from; released once the pool of the new settings is acquired. */
    private transient PoolRegistry.Reference superseded;
    private transient PrintWriter logWriter;

    /** Creates a factory with every setting at its default; DatabaseName must still be set. */
    public PgPoolManagedConnectionFactory() {
        // A JavaBean: the server instantiates it and calls the setters.
    }

    // ---- Connection factories and managed connections ------------------------------------------------------

    @Override
    public Object createConnectionFactory(ConnectionManager connectionManager) throws ResourceException {
        validated(); // fail at deployment rather than at the first getConnection
        return new PgPoolDataSource(this, connectionManager);
    }

    /** Non-managed use, outside an application server: every handle gets its own managed connection. */
    @Override
    public Object createConnectionFactory() throws ResourceException {
        return createConnectionFactory(new StandaloneConnectionManager());
    }

    /** Creates a managed connection; it opens no PostgreSQL connection until one is needed. */
    @Override
    public ManagedConnection createManagedConnection(Subject subject, ConnectionRequestInfo info)
            throws ResourceException {
        return new PgPoolManagedConnection(this, credentials(validated(), subject, info));
    }

    /** Matches only a managed connection of an equal factory that leases with the same credentials. */
    @Override
    public ManagedConnection matchManagedConnections(@SuppressWarnings("rawtypes") Set candidates, Subject subject,
            ConnectionRequestInfo info) throws ResourceException {
        Credentials wanted = credentials(validated(), subject, info);
        for (Object o : candidates) {
            if (o instanceof PgPoolManagedConnection) {
                PgPoolManagedConnection mc = (PgPoolManagedConnection) o;
                if (mc.credentials().equals(wanted) && (mc.factory() == this || mc.factory().equals(this))) {
                    return mc;
                }
            }
        }
        return null;
    }

    /**
     * Reports managed connections whose leased PostgreSQL connection failed, so the server destroys them. No round
     * trip: pgpool itself validates connections before it lends them.
     */
    @Override
    public Set<Object> getInvalidConnections(@SuppressWarnings("rawtypes") Set connections) {
        Set<Object> invalid = new HashSet<>();
        for (Object o : connections) {
            if (o instanceof PgPoolManagedConnection && ((PgPoolManagedConnection) o).isBroken()) {
                invalid.add(o);
            }
        }
        return invalid;
    }

    /** Credentials of a request, as {@link RequestCredentials} finds them. */
    Credentials credentials(Subject subject, ConnectionRequestInfo info) throws ResourceException {
        return credentials(validated(), subject, info);
    }

    private Credentials credentials(ValidatedSettings v, Subject subject, ConnectionRequestInfo info) {
        return RequestCredentials.of(this, v, subject, info);
    }

    /**
     * Borrows a PostgreSQL connection for {@code credentials} from this factory's pool.
     *
     * @throws SQLException as the pool reports it (for example {@link io.github.pgpool.api.PoolTimeoutException}),
     *     or if the settings are invalid or the adapter stopped
     */
    PooledConnection borrow(Credentials credentials) throws SQLException {
        PgPool pool;
        ValidatedSettings v;
        try {
            pool = pool();
            v = validated();
        } catch (ResourceException e) {
            throw new SQLNonTransientConnectionException(e.getMessage(), "08001", e);
        }
        // The pool's own default credentials take its fast path (no partition lookup).
        return credentials == v.defaults ? pool.borrow() : pool.borrow(credentials);
    }

    /**
     * @return this factory's pool, started on first use and shared with every factory of equal settings
     * @throws ResourceException if a setting is invalid or the adapter stopped
     */
    PgPool pool() throws ResourceException {
        PoolRegistry.Reference ref = poolReference;
        if (ref != null) {
            return ref.pool();
        }
        PoolRegistry.Reference previous;
        synchronized (this) {
            if (poolReference != null) {
                return poolReference.pool();
            }
            PgPoolResourceAdapter ra = adapter;
            PoolRegistry registry = ra != null ? ra.registry() : PoolRegistry.STANDALONE;
            // Acquired before the previous reference goes: with changed settings, the new pool succeeds the old one
            // (see PoolRegistry), instead of starting afresh after it closed.
            PoolRegistry.Reference acquired = registry.acquire(validated().settings);
            CLEANER.register(this, acquired);
            poolReference = acquired;
            previous = superseded;
            superseded = null;
        }
        if (previous != null) {
            previous.run();
        }
        return poolReference.pool();
    }

    /**
     * @return the validated settings, checked once and kept until a setter changes something
     * @throws InvalidPropertyException with the message of {@link InvalidSettingException}: setting, value, rule
     */
    PoolSettings settings() throws ResourceException {
        return validated().settings;
    }

    private ValidatedSettings validated() throws InvalidPropertyException {
        ValidatedSettings v = validated;
        if (v != null) {
            return v;
        }
        synchronized (this) {
            if (validated == null) {
                validated = new ValidatedSettings(configured.validate());
            }
            return validated;
        }
    }

    // ---- Resource adapter association --------------------------------------------------------------------------

    /**
     * Associates this factory with its adapter. Servers call this after setting the configuration properties and
     * before first use, so this is where invalid settings are reported first.
     *
     * <p>A factory still at the ra.xml defaults is not checked here: Payara makes such a factory for a default pool
     * of every adapter it deploys, and without a DatabaseName it could only fail. If it is ever used, it fails then
     * ({@link #createConnectionFactory}, {@link #createManagedConnection}) with the same message.
     *
     * @throws InvalidPropertyException naming the setting, the value given and the rule, if a setting is invalid
     */
    @Override
    public void setResourceAdapter(ResourceAdapter ra) throws ResourceException {
        if (!(ra instanceof PgPoolResourceAdapter)) {
            throw new ResourceException("pgpool: expected a PgPoolResourceAdapter, got "
                    + (ra == null ? "null" : ra.getClass().getName()));
        }
        this.adapter = (PgPoolResourceAdapter) ra;
        if (configured.isUnconfigured()) {
            return;
        }
        try {
            validated();
        } catch (InvalidPropertyException e) {
            LOG.log(Level.WARNING, "pgpool: invalid configuration: {0}", e.getMessage());
            throw e;
        }
        // The pool (empty until first use) starts now, not at the first lease: a factory Payara makes for a changed
        // property then takes the PoolName over at once, and a data source kept from before the change (injected
        // with @Resource: the server keeps allocating through the old factory) follows the new settings too.
        pool();
    }

    @Override
    public ResourceAdapter getResourceAdapter() {
        return adapter;
    }

    /** @return the server's transaction synchronization registry, or null (no adapter, or no registry) */
    TransactionSynchronizationRegistry transactions() {
        PgPoolResourceAdapter ra = adapter;
        return ra == null ? null : ra.transactions();
    }

    @Override
    public void setLogWriter(PrintWriter out) {
        this.logWriter = out;
    }

    @Override
    public PrintWriter getLogWriter() {
        return logWriter;
    }

    // ---- Configuration properties (exactly PoolSetting, as text) -----------------------------------------------

    private String get(PoolSetting s) {
        return configured.get(s);
    }

    private synchronized void set(PoolSetting s, String text) {
        if (!configured.set(s, text)) {
            return;
        }
        validated = null;
        PoolRegistry.Reference ref = poolReference;
        if (ref != null) {
            // Servers configure a factory before using it; a late change is a live change of the pool: the next use
            // acquires the new settings, whose pool succeeds this one (see PoolRegistry).
            LOG.log(Level.INFO, "pgpool: {0} changed after the pool {1} was started; later connections use "
                    + "a pool with the new settings", s.displayName(), ref.pool().name());
            poolReference = null;
            if (superseded == null) {
                superseded = ref;
            } else {
                ref.run();
            }
        }
    }

    /** @param text {@link PoolSetting#MAX_SIZE} */
    public void setMaxSize(String text) {
        set(PoolSetting.MAX_SIZE, text);
    }

    /** @return {@link PoolSetting#MAX_SIZE} as given */
    public String getMaxSize() {
        return get(PoolSetting.MAX_SIZE);
    }

    /** @param text {@link PoolSetting#MAX_WAIT} */
    public void setMaxWait(String text) {
        set(PoolSetting.MAX_WAIT, text);
    }

    /** @return {@link PoolSetting#MAX_WAIT} as given */
    public String getMaxWait() {
        return get(PoolSetting.MAX_WAIT);
    }

    /** @param text {@link PoolSetting#EXPIRES} */
    public void setExpires(String text) {
        set(PoolSetting.EXPIRES, text);
    }

    /** @return {@link PoolSetting#EXPIRES} as given */
    public String getExpires() {
        return get(PoolSetting.EXPIRES);
    }

    /** @param text {@link PoolSetting#CLEANUP} */
    public void setCleanup(String text) {
        set(PoolSetting.CLEANUP, text);
    }

    /** @return {@link PoolSetting#CLEANUP} as given */
    public String getCleanup() {
        return get(PoolSetting.CLEANUP);
    }

    /** @param text {@link PoolSetting#SERVER_NAME} */
    public void setServerName(String text) {
        set(PoolSetting.SERVER_NAME, text);
    }

    /** @return {@link PoolSetting#SERVER_NAME} as given */
    public String getServerName() {
        return get(PoolSetting.SERVER_NAME);
    }

    /** @param text {@link PoolSetting#PORT_NUMBER} */
    public void setPortNumber(String text) {
        set(PoolSetting.PORT_NUMBER, text);
    }

    /** @return {@link PoolSetting#PORT_NUMBER} as given */
    public String getPortNumber() {
        return get(PoolSetting.PORT_NUMBER);
    }

    /** @param text {@link PoolSetting#DATABASE_NAME} */
    public void setDatabaseName(String text) {
        set(PoolSetting.DATABASE_NAME, text);
    }

    /** @return {@link PoolSetting#DATABASE_NAME} as given */
    public String getDatabaseName() {
        return get(PoolSetting.DATABASE_NAME);
    }

    /** @param text {@link PoolSetting#URL} */
    public void setUrl(String text) {
        set(PoolSetting.URL, text);
    }

    /** @return {@link PoolSetting#URL} as given (may hold a secret property: never shown by pgpool unmasked) */
    public String getUrl() {
        return get(PoolSetting.URL);
    }

    /** @param text {@link PoolSetting#USER} */
    public void setUser(String text) {
        set(PoolSetting.USER, text);
    }

    /** @return {@link PoolSetting#USER} as given */
    public String getUser() {
        return get(PoolSetting.USER);
    }

    /** @param text {@link PoolSetting#PASSWORD} */
    public void setPassword(String text) {
        set(PoolSetting.PASSWORD, text);
    }

    /** @return {@link PoolSetting#PASSWORD} as given (a JavaBean getter for the server; never shown by pgpool) */
    public String getPassword() {
        return get(PoolSetting.PASSWORD);
    }

    /** @param text {@link PoolSetting#DRIVER_PROPERTIES} */
    public void setDriverProperties(String text) {
        set(PoolSetting.DRIVER_PROPERTIES, text);
    }

    /** @return {@link PoolSetting#DRIVER_PROPERTIES} as given */
    public String getDriverProperties() {
        return get(PoolSetting.DRIVER_PROPERTIES);
    }

    /** @param text {@link PoolSetting#POOL_NAME} */
    public void setPoolName(String text) {
        set(PoolSetting.POOL_NAME, text);
    }

    /** @return {@link PoolSetting#POOL_NAME} as given */
    public String getPoolName() {
        return get(PoolSetting.POOL_NAME);
    }

    /** @param text {@link PoolSetting#VALIDATE_IDLE} */
    public void setValidateIdle(String text) {
        set(PoolSetting.VALIDATE_IDLE, text);
    }

    /** @return {@link PoolSetting#VALIDATE_IDLE} as given */
    public String getValidateIdle() {
        return get(PoolSetting.VALIDATE_IDLE);
    }

    /** @param text {@link PoolSetting#VALIDATION_TIMEOUT} */
    public void setValidationTimeout(String text) {
        set(PoolSetting.VALIDATION_TIMEOUT, text);
    }

    /** @return {@link PoolSetting#VALIDATION_TIMEOUT} as given */
    public String getValidationTimeout() {
        return get(PoolSetting.VALIDATION_TIMEOUT);
    }

    /** @param text {@link PoolSetting#CONNECT_TIMEOUT} */
    public void setConnectTimeout(String text) {
        set(PoolSetting.CONNECT_TIMEOUT, text);
    }

    /** @return {@link PoolSetting#CONNECT_TIMEOUT} as given */
    public String getConnectTimeout() {
        return get(PoolSetting.CONNECT_TIMEOUT);
    }

    /** @param text {@link PoolSetting#LEAK_THRESHOLD} */
    public void setLeakThreshold(String text) {
        set(PoolSetting.LEAK_THRESHOLD, text);
    }

    /** @return {@link PoolSetting#LEAK_THRESHOLD} as given */
    public String getLeakThreshold() {
        return get(PoolSetting.LEAK_THRESHOLD);
    }

    /** @param text {@link PoolSetting#SESSION_RESET} */
    public void setSessionReset(String text) {
        set(PoolSetting.SESSION_RESET, text);
    }

    /** @return {@link PoolSetting#SESSION_RESET} as given */
    public String getSessionReset() {
        return get(PoolSetting.SESSION_RESET);
    }

    // ---- Identity ----------------------------------------------------------------------------------------------

    /** Equal when every configuration property is equal (the adapter association is not configuration). */
    @Override
    public boolean equals(Object o) {
        return this == o || (o != null && o.getClass() == getClass()
                && configured.equals(((PgPoolManagedConnectionFactory) o).configured));
    }

    @Override
    public int hashCode() {
        return configured.hashCode();
    }

    /** @return the configuration, the password masked and driver property values left out */
    @Override
    public String toString() {
        return "PgPoolManagedConnectionFactory{" + configured + "}";
    }
}
