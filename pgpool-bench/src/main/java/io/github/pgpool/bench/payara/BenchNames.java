package io.github.pgpool.bench.payara;

/**
 * Names shared by the benchmark server ({@link BenchServer}, in Payara's JVM) and the benchmark side (which must
 * not load BenchServer: it refers to Payara's classes, which are not on the benchmark JVMs' classpath).
 */
public final class BenchNames {
    /** The server's main class. */
    public static final String SERVER_CLASS = "io.github.pgpool.bench.payara.BenchServer";
    /** Printed on standard output once everything is deployed. */
    public static final String READY = "PGPOOL-BENCH-PAYARA-READY";
    /** The context root of the WAR. */
    public static final String CONTEXT_ROOT = "bench";
    /** JNDI name of the pgpool connector resource. */
    public static final String PGPOOL_JNDI = "jdbc/bench-pgpool";
    /** JNDI name of the diagnostic pgpool connector resource with Payara's pooling off. */
    public static final String PGPOOL_UNPOOLED_JNDI = "jdbc/bench-pgpool-unpooled";
    /** JNDI name of Payara's JDBC resource. */
    public static final String PAYARA_JNDI = "jdbc/bench-payara";
    /** application_name of pgpool's backends. */
    public static final String PGPOOL_APP = "pgpool-bench-payara-pgpool";
    /** application_name of the backends of the pgpool pool behind {@link #PGPOOL_UNPOOLED_JNDI}. */
    public static final String PGPOOL_UNPOOLED_APP = "pgpool-bench-payara-pgpool-unpooled";
    /** application_name of the backends of Payara's JDBC pool. */
    public static final String PAYARA_APP = "pgpool-bench-payara-jdbc";

    private BenchNames() {
    }
}
