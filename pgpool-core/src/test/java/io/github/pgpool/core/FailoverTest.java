package io.github.pgpool.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.pgpool.api.PoolSettings;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * Failover under load, on real servers: a primary cluster of the test's own on 127.0.0.1:5433 with a streaming
 * standby on 5434 (the shared cluster on 5432 is never touched), writers committing through a pool at the default
 * settings with {@code Url=jdbc:postgresql://127.0.0.1:5433,127.0.0.1:5434/...?targetServerType=primary}. The primary
 * stops, the standby is promoted. Measured: the time from the moment the new primary accepts writes to the first
 * commit through the pool, the failed requests, and the acknowledged commits missing on the new primary.
 */
@Timeout(300)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FailoverTest {
    static final int PRIMARY_PORT = 5433;
    static final int STANDBY_PORT = 5434;
    private static final String DB = "pgpool_h3_failover";
    private static final int WRITERS = 4;
    private static LocalCluster primary;
    private static LocalCluster standby;

    @BeforeAll
    static void makeClusters() {
        HostCommands.requireClusterTools("the failover test");
        primary = LocalCluster.primary("pgpool_h3_primary", PRIMARY_PORT);
        primary.start();
        primary.run("postgres", "CREATE DATABASE " + DB);
        primary.run(DB, WriteLedger.TABLE_DDL, "CREATE TABLE probe (at timestamptz NOT NULL)");
        standby = LocalCluster.standbyOf(primary, "pgpool_h3_standby", STANDBY_PORT);
        standby.start();
        primary.awaitStreamingTo(standby, Duration.ofSeconds(30));
    }

    @AfterAll
    static void removeClusters() {
        if (standby != null) {
            standby.close();
        }
        if (primary != null) {
            primary.close();
        }
    }

    static String url() {
        return "jdbc:postgresql://127.0.0.1:" + PRIMARY_PORT + ",127.0.0.1:" + STANDBY_PORT + "/" + DB
                + "?targetServerType=primary";
    }

    @Test
    @Order(1)
    void theStandbyTakesOverWithinASecondAndNoAcknowledgedCommitIsLost() throws Exception {
        PoolSettings settings = PoolSettings.builder().url(url()).user("postgres").build();
        try (PgPoolDataSource ds = new PgPoolDataSource(settings);
                WriteLedger ledger = new WriteLedger(ds, WRITERS, 0)) {
            ledger.start();
            Await.until("writers to commit through the primary", Duration.ofSeconds(30), () -> ledger.commits() >= 200);

            long connectFailures = ds.pool().statistics().connectFailures();
            long stopping = System.nanoTime();
            primary.stop("fast"); // a clean stop: the primary sends the standby all its WAL before it exits
            long stopped = System.nanoTime();
            // The outage is real once borrowers try to open connections that no server can give.
            Await.until("the pool to fail to connect during the outage", Duration.ofSeconds(10),
                    () -> ds.pool().statistics().connectFailures() > connectFailures,
                    () -> ds.pool().statistics() + " failures so far: " + summary(ledger.failures()));

            AtomicLong accepts = new AtomicLong();
            Thread probe = new Thread(() -> accepts.set(firstWriteAccepted(standby)), "pgpool-h3-probe");
            probe.start();
            long promoting = System.nanoTime();
            standby.promote();
            probe.join(30_000);
            assertThat(accepts.get()).as("the promoted standby accepted a write").isNotZero();
            Await.until("a commit through the pool after the promotion", Duration.ofSeconds(30),
                    () -> ledger.firstCommitAfter(accepts.get()) != null);
            long firstCommit = ledger.firstCommitAfter(accepts.get());
            Await.until("200 more commits", Duration.ofSeconds(30), () -> ledger.commitsAfter(accepts.get()) >= 200);
            ledger.close();

            List<WriteLedger.Failure> failures = ledger.failures();
            List<WriteLedger.Failure> inFlight = failures.stream().filter(f -> f.startedNanos() - stopped < 0)
                    .collect(Collectors.toList());
            Set<Long> missing = missingOn(standby, ledger.acknowledgedIds());
            double recoveryMs = (firstCommit - accepts.get()) / 1e6;
            System.out.printf("[failover] stop took %.0f ms, outage (stop to accepting) %.0f ms, promote command "
                    + "%.0f ms; first pool commit %.1f ms after the new primary accepted; failed requests %d (in "
                    + "flight at the stop %d, started later %d: %s); acknowledged commits %d, lost %d%n",
                    (stopped - stopping) / 1e6, (accepts.get() - stopping) / 1e6, (accepts.get() - promoting) / 1e6,
                    recoveryMs, failures.size(), inFlight.size(), failures.size() - inFlight.size(),
                    summary(failures), ledger.acknowledgedIds().size(), missing.size());

            assertThat(missing).as("acknowledged commits missing on the new primary").isEmpty();
            assertThat(recoveryMs).as("ms from the new primary accepting to the first commit through the pool")
                    .isLessThan(1000);
            assertThat(inFlight.size()).as("requests in flight when the primary stopped").isLessThanOrEqualTo(WRITERS);
            assertThat(failures).as("requests that started after the primary had stopped: they wait for the "
                    + "new primary instead of failing").isEqualTo(inFlight);
        }
    }

    /**
     * The old primary comes back as a standby of the new one; later the new primary is fenced read-only (as an
     * operator does before a switchover: {@code default_transaction_read_only} and a reload, so its open sessions
     * turn read-only under the pool) and the old one is promoted again. A pool whose target is the primary must not
     * keep failing with "cannot execute ... in a read-only transaction" (25006) until its connections expire: the
     * first 25006 flushes the pool (idle connections at once, in-use ones on return), so no request that starts
     * after the pool has seen a 25006 fails with it again.
     * Before the engine flushed on 25006, the connections stayed and every writer failed with it until Expires
     * (331,532 read-only errors in 60 s).
     */
    @Test
    @Order(2)
    void aPrimaryTurnedReadOnlyUnderThePoolCostsOneReadOnlyErrorAtMost() throws Exception {
        LocalCluster current = primary.acceptsWrites() ? primary : standby;
        LocalCluster old = current == primary ? standby : primary;
        old.ensureStopped();
        old.replaceDataWithBaseBackupOf(current);
        old.start();
        current.awaitStreamingTo(old, Duration.ofSeconds(30));

        PoolSettings settings = PoolSettings.builder().url(url()).user("postgres").build();
        assertThat(settings.targetsPrimary()).isTrue();
        try (PgPoolDataSource ds = new PgPoolDataSource(settings);
                WriteLedger ledger = new WriteLedger(ds, WRITERS, 1L << 40)) {
            ledger.start();
            Await.until("writers to commit", Duration.ofSeconds(30), () -> ledger.commits() >= 200);

            long fencing = System.nanoTime();
            current.run("postgres", "ALTER SYSTEM SET default_transaction_read_only = on", "SELECT pg_reload_conf()");
            // A switchover promotes the standby only once it has replayed everything the fenced primary wrote.
            String lsn = current.query("postgres", "SELECT pg_current_wal_lsn()::text");
            Await.until(old.name + " to replay up to " + lsn, Duration.ofSeconds(30), () -> {
                try {
                    return "true".equals(old.query("postgres", "SELECT (pg_last_wal_replay_lsn() >= '" + lsn
                            + "'::pg_lsn)::text"));
                } catch (SQLException e) {
                    return false;
                }
            });
            old.promote();
            long accepts = firstWriteAccepted(old);
            assertThat(accepts).as("the promoted server accepted a write").isNotZero();
            Await.until("200 commits on the promoted server", Duration.ofSeconds(60),
                    () -> ledger.commitsAfter(accepts) >= 200,
                    () -> ds.pool().statistics() + " failures: " + summary(ledger.failures()));
            ledger.close();

            List<WriteLedger.Failure> readOnly = ledger.failures().stream()
                    .filter(f -> "25006".equals(f.sqlState())).collect(Collectors.toList());
            long firstSeen = readOnly.stream().mapToLong(WriteLedger.Failure::failedNanos).min().orElse(Long.MAX_VALUE);
            List<WriteLedger.Failure> afterFirst = readOnly.stream().filter(f -> f.startedNanos() - firstSeen > 0)
                    .collect(Collectors.toList());
            Set<Long> missing = missingOn(old, ledger.acknowledgedIds());
            System.out.printf("[read-only flush] fence to accepting %.0f ms; failed requests %d (%s), 25006 %d, "
                    + "25006 started after the first was seen %d; acknowledged %d, lost %d%n",
                    (accepts - fencing) / 1e6, ledger.failures().size(), summary(ledger.failures()), readOnly.size(),
                    afterFirst.size(), ledger.acknowledgedIds().size(), missing.size());
            assertThat(missing).as("acknowledged commits missing on the promoted server").isEmpty();
            assertThat(readOnly.size()).as("25006 failures: at most the requests running at the fence")
                    .isLessThanOrEqualTo(WRITERS);
            assertThat(afterFirst).as("requests that failed with 25006 although they started after the pool had "
                    + "seen one").isEmpty();
        } finally {
            current.run("postgres", "ALTER SYSTEM RESET default_transaction_read_only", "SELECT pg_reload_conf()");
        }
    }

    /** @return the time at which the first write on {@code server} succeeded, trying a fresh connection each time */
    static long firstWriteAccepted(LocalCluster server) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() - deadline < 0) {
            try (Connection c = server.admin(DB); Statement s = c.createStatement()) {
                s.execute("INSERT INTO probe VALUES (clock_timestamp())");
                return System.nanoTime();
            } catch (SQLException e) {
                Thread.onSpinWait(); // read-only (25006) until the promotion ends: try again at once
            }
        }
        return 0;
    }

    static Set<Long> missingOn(LocalCluster server, Set<Long> acknowledged) throws SQLException {
        Set<Long> present = new HashSet<>();
        try (Connection c = server.admin(DB); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT id FROM ledger")) {
            while (rs.next()) {
                present.add(rs.getLong(1));
            }
        }
        Set<Long> missing = new HashSet<>(acknowledged);
        missing.removeAll(present);
        return missing;
    }

    static String summary(List<WriteLedger.Failure> failures) {
        return failures.stream().collect(Collectors.groupingBy(f -> f.sqlState() + " " + abbreviate(f.message()),
                Collectors.counting())).toString();
    }

    private static String abbreviate(String message) {
        String m = String.valueOf(message);
        return m.length() > 90 ? m.substring(0, 90) + "..." : m;
    }
}
