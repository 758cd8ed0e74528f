package io.github.pgpool.it.app;

/**
 * The JNDI names under which the application sees its pgpool resources. They are the same on every server: Payara
 * defines them in the WAR's glassfish-resources.xml, WildFly maps them to its global names in web.xml, so the code
 * below uses one {@code @Resource(lookup = ...)} for both.
 */
public final class Pools {
    /** General use: MaxSize 3, short Cleanup. Servlet, EJB, burst and cleanup scenarios. */
    public static final String BASIC = "java:app/pgpool/basic";
    /** Used by exactly one scenario, which checks that nothing is opened before first use. */
    public static final String FRESH = "java:app/pgpool/fresh";
    /** MaxSize 2 and a short MaxWait: the timeout scenario. */
    public static final String WAIT = "java:app/pgpool/wait";
    /** Short Expires under steady load. */
    public static final String EXPIRE = "java:app/pgpool/expire";
    /** XA, database A of the two-phase commit scenarios. */
    public static final String XA_A = "java:app/pgpool/xa-a";
    /** XA, database B of the two-phase commit scenarios. */
    public static final String XA_B = "java:app/pgpool/xa-b";
    /** Configured for LocalTransaction. */
    public static final String LOCAL = "java:app/pgpool/local";
    /** The persistence unit's jta-data-source. */
    public static final String JPA = "java:app/pgpool/jpa";
    /** Its own database, written under load while the test restarts PostgreSQL. */
    public static final String RESTART = "java:app/pgpool/restart";
    /** Reaches PostgreSQL through the test's TCP proxy, which the test can turn into a black hole. */
    public static final String LINK = "java:app/pgpool/link";
    /** LeakThreshold 1 s: the leak scenario. */
    public static final String LEAK = "java:app/pgpool/leak";
    /** No pgpool setting but the connection target: the defaults a user gets. */
    public static final String DEFAULTS = "java:app/pgpool/defaults";
    /**
     * Not pgpool: the server's own XA data source on pgjdbc (WildFly: an xa-data-source; Payara: a JDBC connection
     * pool of PGXADataSource), with its own database. The reference that pgpool's behaviour is compared with.
     */
    public static final String REFERENCE_XA = "java:app/reference/xa";

    private Pools() {
    }
}
