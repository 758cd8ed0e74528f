package io.github.pgpool.it;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One server configuration the scenarios run in, and the pools it defines. Each configuration gets databases of its
 * own ({@code pgpool_it_<setup>_<pool>}), one per pool, so that a count in {@code pg_stat_activity} of a database is
 * exactly the number of physical connections of one pool, whatever else runs on the server.
 */
public enum Setup {
    /** Payara with its own connection pool in front of pgpool's (the server's default). */
    PAYARA_POOLED,
    /** Payara with pooling=false and match-connections=false: every allocation creates a managed connection. */
    PAYARA_UNPOOLED,
    /** WildFly with min-pool-size 0 and max-pool-size above every pool's MaxSize. */
    WILDFLY("wildfly", "wildfly"),
    /** Payara Micro 7 on JDK 25, pools from asadmin post-boot commands and from glassfish-resources.xml. */
    PAYARA_MICRO7("micro", "h2_micro7"),
    /** Crash recovery: Payara Micro 7 killed between prepare and commit, then restarted. */
    CRASH_MICRO7("micro", "h2_crash_micro7"),
    /** Crash recovery: Payara Micro 6 (JDK 17) killed between prepare and commit, then restarted. */
    CRASH_MICRO6("micro", "h2_crash_micro6"),
    /** Crash recovery: a WildFly 39 of its own killed between prepare and commit, then restarted. */
    CRASH_WILDFLY("wildfly", "h2_crash_wildfly");

    private final String container;
    private final String databaseKey;

    Setup() {
        this("payara", null);
    }

    Setup(String container, String databaseKey) {
        this.container = container;
        this.databaseKey = databaseKey;
    }

    /** Marks a test class with the configuration its deployment uses. */
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.TYPE)
    public @interface Uses {
        Setup value();
    }

    /**
     * The failsafe execution (and for payara and wildfly the Arquillian container, see arquillian.xml) this
     * configuration runs in.
     */
    public String container() {
        return container;
    }

    /** Crash configurations use the two XA pools only; the others every pool. */
    public List<Pool> pools() {
        return name().startsWith("CRASH_") ? List.of(pool("xa-a"), pool("xa-b")) : POOLS;
    }

    public static Setup of(Class<?> testClass) {
        Uses uses = testClass.getAnnotation(Uses.class);
        if (uses == null) {
            throw new IllegalStateException(testClass.getName() + " lacks @Setup.Uses");
        }
        return uses.value();
    }

    /** A pgpool resource: its short name, transaction support and pgpool settings. */
    public record Pool(String name, String transactionSupport, Map<String, String> settings) {
        /** The name the application looks up (see io.github.pgpool.it.app.Pools). */
        public String appJndiName() {
            return "java:app/pgpool/" + name;
        }
    }

    /**
     * The pools, with the settings each scenario needs. Only 'wait', 'restart' and 'link' have a short MaxWait, because
     * their scenarios are about timeouts; the others get 5 s so that a cold first connection on a loaded 2-core machine (seen taking over 2 s
     * while other builds ran) cannot fail a scenario that is about something else.
     */
    public static final List<Pool> POOLS = List.of(
            pool("basic", "XATransaction", "MaxSize", "3", "MaxWait", "5s", "Cleanup", "1s"),
            pool("fresh", "XATransaction", "MaxSize", "2", "MaxWait", "5s", "Cleanup", "1s"),
            pool("wait", "XATransaction", "MaxSize", "2", "MaxWait", "1500ms", "Cleanup", "1s"),
            pool("expire", "XATransaction", "MaxSize", "2", "MaxWait", "5s", "Expires", "2s", "Cleanup", "60s"),
            pool("xa-a", "XATransaction", "MaxSize", "2", "MaxWait", "5s", "Cleanup", "1s"),
            pool("xa-b", "XATransaction", "MaxSize", "2", "MaxWait", "5s", "Cleanup", "1s"),
            pool("local", "LocalTransaction", "MaxSize", "2", "MaxWait", "5s", "Cleanup", "1s"),
            pool("jpa", "XATransaction", "MaxSize", "3", "MaxWait", "5s", "Cleanup", "1s"),
            // PostgreSQL restarts under load: MaxWait bounds how long a request waits for the server to come back.
            pool("restart", "XATransaction", "MaxSize", "4", "MaxWait", "2s", "Cleanup", "60s"),
            // Through LinkProxy; every hand-out is validated, so a dead link is found by the round trip.
            pool("link", "XATransaction", "MaxSize", "2", "MaxWait", "1500ms", "ValidateIdle", "0", "Cleanup", "60s"),
            // A connection the application never closes is reported once held longer than LeakThreshold.
            pool("leak", "XATransaction", "MaxSize", "2", "MaxWait", "5s", "LeakThreshold", "1s", "Cleanup", "60s"),
            // Nothing but the connection target: what a user gets who sets no pool property.
            pool("defaults", "XATransaction"));

    public static Pool pool(String name) {
        return POOLS.stream().filter(p -> p.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException(name));
    }

    /** pgpool setting of a pool, e.g. MaxSize, in the text form used in the configuration. */
    public static String setting(String pool, String key) {
        return pool(pool).settings().get(key);
    }

    private static Pool pool(String name, String tx, String... keyValues) {
        Map<String, String> settings = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            settings.put(keyValues[i], keyValues[i + 1]);
        }
        return new Pool(name, tx, Map.copyOf(settings));
    }

    /** The database a pool of this configuration connects to. */
    public String database(String pool) {
        String key = databaseKey != null ? databaseKey : name().toLowerCase(java.util.Locale.ROOT);
        return "pgpool_it_" + key + "_" + pool.replace('-', '_');
    }

    /** All pgpool configuration properties of a pool in this configuration, connection settings included. */
    public Map<String, String> properties(Pool pool) {
        ItEnv.Server server = ItEnv.server();
        Map<String, String> p = new LinkedHashMap<>();
        if (pool.name().equals("link")) {
            LinkProxy proxy = LinkProxy.shared();
            p.put("ServerName", proxy.host());
            p.put("PortNumber", Integer.toString(proxy.port()));
        } else {
            p.put("ServerName", server.host());
            p.put("PortNumber", Integer.toString(server.port()));
        }
        p.put("DatabaseName", database(pool.name()));
        p.put("User", server.user());
        if (!server.password().isEmpty()) {
            p.put("Password", server.password());
        }
        p.put("PoolName", "it-" + name().toLowerCase(java.util.Locale.ROOT) + "-" + pool.name());
        p.putAll(pool.settings());
        return p;
    }
}
