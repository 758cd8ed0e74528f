package io.github.pgpool.bench;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.agroal.api.AgroalDataSource;
import io.agroal.api.configuration.supplier.AgroalDataSourceConfigurationSupplier;
import io.github.pgpool.api.PoolSettings;
import io.github.pgpool.bench.stub.StubConnection;
import io.github.pgpool.bench.stub.StubDataSource;
import io.github.pgpool.bench.stub.StubDriver;
import io.github.pgpool.core.PgPool;
import io.github.pgpool.core.PgPoolDataSource;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Locale;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.apache.commons.dbcp2.BasicDataSource;

/**
 * Builds each benchmarked pool with the same rules, so that the comparison is about the pools and not their
 * defaults: the same maximum size, the same 10 s borrow timeout, no validation query, no validation on borrow where
 * the pool lets us skip it (pgpool and HikariCP still check a connection that sat idle for over 1 s / 500 ms, which
 * never happens under benchmark load), no leak detection, statement tracking left at each pool's default.
 */
public final class Pools {
    /** The borrow timeout of every pool (pgpool MaxWait, Hikari connectionTimeout, Agroal acquisitionTimeout...). */
    public static final Duration TIMEOUT = Duration.ofSeconds(10);

    /** Keeps pgpool's INFO lines ("pool created") out of the benchmark output; held so the setting sticks. */
    private static final Logger PGPOOL_LOG = Logger.getLogger("io.github.pgpool");

    static {
        PGPOOL_LOG.setLevel(Level.WARNING);
    }

    private Pools() {
    }

    /** The pools under test; {@code nopool} is the physical limit (a dedicated connection per thread). */
    public enum Kind {
        PGPOOL, HIKARI, AGROAL, DBCP2, NOPOOL;

        /** @return the lower-case name used in JMH parameters, tables and JSON */
        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** @return the kind named by {@link #id()} */
        public static Kind of(String id) {
            return valueOf(id.toUpperCase(Locale.ROOT));
        }
    }

    /** A running pool: its data source, a way to count its open physical connections, and shutdown. */
    public interface Running extends AutoCloseable {
        /** @return the data source that borrows from the pool */
        DataSource dataSource();

        /** @return physical connections the pool holds now, in use or idle (its own statistics) */
        int openConnections();

        @Override
        void close();
    }

    /** Where physical connections come from. */
    public static final class Target {
        final String jdbcUrl;
        final String host;
        final int port;
        final String database;
        final String user;
        final String applicationName;

        private Target(String jdbcUrl, String host, int port, String database, String user, String applicationName) {
            this.jdbcUrl = jdbcUrl;
            this.host = host;
            this.port = port;
            this.database = database;
            this.user = user;
            this.applicationName = applicationName;
        }

        /** @return the stub driver: connections that do no I/O */
        public static Target stub() {
            return new Target(StubDriver.URL, null, 0, null, null, null);
        }

        /**
         * @param applicationName shown in {@code pg_stat_activity}, so the trace can count each pool's backends
         * @return a real PostgreSQL server (trust authentication: no password)
         */
        public static Target postgres(String host, int port, String database, String user, String applicationName) {
            String url = "jdbc:postgresql://" + host + ":" + port + "/" + database + "?user=" + user
                    + "&ApplicationName=" + applicationName;
            return new Target(url, host, port, database, user, applicationName);
        }

        /** @return whether this is the stub driver */
        public boolean isStub() {
            return host == null;
        }

        /** @return the JDBC URL, with user and application name */
        public String jdbcUrl() {
            return jdbcUrl;
        }
    }

    /**
     * Starts a pool of {@code kind} over {@code target} with at most {@code maxSize} connections.
     *
     * @param pgpoolCleanup pgpool's Cleanup (idle connections closed after it), or {@code null} for its default
     * @param noTimeouts whether to switch off lifetime limits and keepalives (the day/night trace), so that only the
     *     pools' idle policies differ
     */
    public static Running start(Kind kind, Target target, int maxSize, Duration pgpoolCleanup, boolean noTimeouts)
            throws SQLException {
        switch (kind) {
            case PGPOOL:
                return pgpool(target, maxSize, pgpoolCleanup, noTimeouts);
            case HIKARI:
                return hikari(target, maxSize, noTimeouts);
            case AGROAL:
                return agroal(target, maxSize, noTimeouts);
            case DBCP2:
                return dbcp2(target, maxSize, noTimeouts);
            default:
                throw new IllegalArgumentException(kind + " is not a pool");
        }
    }

    /**
     * {@code -Dbench.metrics=true}: pgpool records its create, wait and use time histograms from the start, as a
     * monitored pool does; by default nobody reads them and they cost nothing (measure both, see README).
     */
    static final boolean RECORD_METRICS = Boolean.getBoolean("bench.metrics");

    /** Starts a pool with the standard benchmark settings. */
    public static Running start(Kind kind, Target target, int maxSize) throws SQLException {
        return start(kind, target, maxSize, null, false);
    }

    private static Running pgpool(Target target, int maxSize, Duration cleanup, boolean noTimeouts) {
        PoolSettings.Builder b = PoolSettings.builder().maxSize(maxSize).maxWait(TIMEOUT).poolName("bench");
        if (cleanup != null) {
            b.cleanup(cleanup);
        }
        if (noTimeouts) {
            b.expires(Duration.ZERO);
        }
        PgPool pool;
        if (target.isStub()) {
            pool = PgPool.builder(b.databaseName("stub").build()).connectionFactory(c -> new StubConnection())
                    .recordMetrics(RECORD_METRICS).build();
        } else {
            b.serverName(target.host).portNumber(target.port).databaseName(target.database).user(target.user)
                    .driverProperties("ApplicationName=" + target.applicationName);
            pool = PgPool.builder(b.build()).recordMetrics(RECORD_METRICS).build();
        }
        PgPoolDataSource ds = new PgPoolDataSource(pool);
        return new Running() {
            @Override
            public DataSource dataSource() {
                return ds;
            }

            @Override
            public int openConnections() {
                return pool.statistics().total();
            }

            @Override
            public void close() {
                ds.close();
            }
        };
    }

    private static Running hikari(Target target, int maxSize, boolean noTimeouts) {
        HikariConfig c = new HikariConfig();
        c.setPoolName("bench-hikari");
        c.setJdbcUrl(target.jdbcUrl);
        if (target.isStub()) {
            c.setDriverClassName(StubDriver.class.getName());
        }
        c.setMaximumPoolSize(maxSize);
        // minimumIdle left at its default (= maximumPoolSize): HikariCP's recommended fixed-size pool.
        c.setConnectionTimeout(TIMEOUT.toMillis());
        if (noTimeouts) {
            c.setMaxLifetime(0);
            c.setIdleTimeout(0);
            c.setKeepaliveTime(0);
        }
        HikariDataSource ds = new HikariDataSource(c);
        return new Running() {
            @Override
            public DataSource dataSource() {
                return ds;
            }

            @Override
            public int openConnections() {
                return ds.getHikariPoolMXBean().getTotalConnections();
            }

            @Override
            public void close() {
                ds.close();
            }
        };
    }

    private static Running agroal(Target target, int maxSize, boolean noTimeouts) throws SQLException {
        AgroalDataSourceConfigurationSupplier config = new AgroalDataSourceConfigurationSupplier()
                .connectionPoolConfiguration(pool -> {
                    pool.maxSize(maxSize).acquisitionTimeout(TIMEOUT);
                    if (noTimeouts) {
                        pool.maxLifetime(Duration.ZERO).reapTimeout(Duration.ZERO);
                    }
                    return pool.connectionFactoryConfiguration(cf -> target.isStub()
                            ? cf.connectionProviderClass(StubDataSource.class)
                            : cf.jdbcUrl(target.jdbcUrl));
                });
        AgroalDataSource ds = AgroalDataSource.from(config);
        return new Running() {
            @Override
            public DataSource dataSource() {
                return ds;
            }

            @Override
            public int openConnections() {
                return (int) (ds.getMetrics().activeCount() + ds.getMetrics().availableCount());
            }

            @Override
            public void close() {
                ds.close();
            }
        };
    }

    private static Running dbcp2(Target target, int maxSize, boolean noTimeouts) {
        BasicDataSource ds = new BasicDataSource();
        if (target.isStub()) {
            ds.setDriverClassName(StubDriver.class.getName());
        }
        ds.setUrl(target.jdbcUrl);
        ds.setMaxTotal(maxSize);
        // DBCP2 caps idle connections at 8 by default; below MaxSize it would close and reopen connections.
        ds.setMaxIdle(maxSize);
        ds.setMaxWait(TIMEOUT);
        // DBCP2 validates every borrow by default (Connection.isValid when there is no query); the others do not.
        ds.setTestOnBorrow(false);
        if (noTimeouts) {
            ds.setMaxConn(Duration.ofMillis(-1));
        }
        return new Running() {
            @Override
            public DataSource dataSource() {
                return ds;
            }

            @Override
            public int openConnections() {
                return ds.getNumActive() + ds.getNumIdle();
            }

            @Override
            public void close() {
                try {
                    ds.close();
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
            }
        };
    }
}
