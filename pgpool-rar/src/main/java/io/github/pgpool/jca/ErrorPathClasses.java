package io.github.pgpool.jca;

import java.lang.System.Logger.Level;
import java.util.List;

/**
 * The classes pgpool's error paths use, loaded when the adapter starts. A server may close the adapter's class loader
 * while requests are still running (Payara does at shutdown: "was requested to find class ... after done was
 * invoked"); an error path that needed a class for the first time then would hand the caller a class-loading error
 * instead of its SQLException or XAException. Stateless; loading is idempotent and thread-safe (the JVM's).
 */
final class ErrorPathClasses {
    /**
     * Binary names: pgpool's exceptions and what builds their messages (statistics, classification, XA and lease
     * failure helpers), what a live change and a forced destroy need (Payara runs both on a pool it re-creates), then pgjdbc's exception types and message translation, which its failures carry. The normal
     * path loads everything else before the first connection is handed out. ErrorPathClassLoadingTest checks that
     * each name exists and that the error paths need nothing more once the class loader is closed.
     */
    static final List<String> NAMES = List.of(
            "io.github.pgpool.api.PoolTimeoutException",
            "io.github.pgpool.api.PoolClosedException",
            "io.github.pgpool.api.InvalidSettingException",
            "io.github.pgpool.api.PoolStatistics",
            "io.github.pgpool.api.PoolStatistics$1",
            "io.github.pgpool.api.CloseReason",
            "io.github.pgpool.api.Durations",
            "io.github.pgpool.core.FatalErrors",
            "io.github.pgpool.core.SqlClassifier",
            "io.github.pgpool.core.Validation",
            "io.github.pgpool.core.Validation$Bounded",
            "io.github.pgpool.core.RateLimitedLog",
            "io.github.pgpool.core.Waiter",
            "io.github.pgpool.core.PoolBooks$CloseRule",
            "io.github.pgpool.core.SlotSink",
            "io.github.pgpool.jca.Exceptions",
            "io.github.pgpool.jca.LeaseFailures",
            "io.github.pgpool.jca.LeaseFailures$Allocation",
            "io.github.pgpool.jca.PgPoolXAResource$XaCall",
            "io.github.pgpool.jca.OrphanedLease",
            "io.github.pgpool.jca.ServerPoolGap",
            "org.postgresql.util.PSQLException",
            "org.postgresql.util.PSQLState",
            "org.postgresql.util.PSQLWarning",
            "org.postgresql.util.ServerErrorMessage",
            "org.postgresql.util.GT",
            "org.postgresql.xa.PGXAException",
            "org.postgresql.core.PGBindException");

    private ErrorPathClasses() {
    }

    /** Loads (and initialises) every class of {@link #NAMES} through the adapter's class loader. */
    static void preload() {
        ClassLoader loader = ErrorPathClasses.class.getClassLoader();
        for (String name : NAMES) {
            try {
                Class.forName(name, true, loader);
            } catch (ClassNotFoundException | LinkageError e) {
                System.getLogger(ErrorPathClasses.class.getName()).log(Level.WARNING,
                        "pgpool: cannot preload {0} for its error paths: {1}", name, e.toString());
            }
        }
    }
}
