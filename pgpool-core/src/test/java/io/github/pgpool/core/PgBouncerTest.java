package io.github.pgpool.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.pgpool.api.PoolSettings;
import io.github.pgpool.api.PoolTimeoutException;
import io.github.pgpool.api.SessionResetMode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The engine's key promises behind Debian's PgBouncer (1.18) in transaction pooling, with the settings the README
 * recommends there ({@code SessionReset=none}, pgjdbc {@code prepareThreshold=0}): MaxSize, MaxWait, Cleanup, a
 * restart of PgBouncer, and a restart of the PostgreSQL behind it (a throwaway cluster of the test's own on 5435,
 * PgBouncer on 6432; the shared cluster on 5432 is never touched).
 */
@Timeout(300)
class PgBouncerTest {
    static final int BACKEND_PORT = 5435;
    static final int BOUNCER_PORT = 6432;
    private static final String DB = "pgpool_h3_bouncer";
    private static LocalCluster backend;
    private static PgBouncerProcess bouncer;
    private PgPoolDataSource ds;

    @BeforeAll
    static void start() {
        HostCommands.requireClusterTools("the PgBouncer test");
        backend = LocalCluster.primary("pgpool_h3_bouncer_pg", BACKEND_PORT);
        backend.start();
        backend.run("postgres", "CREATE DATABASE " + DB);
        backend.run(DB, WriteLedger.TABLE_DDL);
        bouncer = PgBouncerProcess.start(BOUNCER_PORT, backend, DB, 20);
    }

    @AfterAll
    static void stop() {
        if (bouncer != null) {
            bouncer.close();
        }
        if (backend != null) {
            backend.close();
        }
    }

    @AfterEach
    void closePool() {
        if (ds != null) {
            ds.close();
        }
    }

    /** The settings the README recommends behind PgBouncer in transaction pooling; the rest at their defaults. */
    private static PoolSettings.Builder recommended(String applicationName) {
        // assumeMinServerVersion puts ApplicationName into the startup packet, which PgBouncer keeps per client;
        // without it pgjdbc sends SET application_name, which transaction pooling leaves on a shared server link.
        return PoolSettings.builder().url(bouncer.url() + "?prepareThreshold=0&assumeMinServerVersion=12"
                + "&ApplicationName=" + applicationName).user("postgres").sessionReset(SessionResetMode.NONE);
    }

    private PgPoolDataSource start(PoolSettings.Builder settings) {
        ds = new PgPoolDataSource(settings.build());
        return ds;
    }

    private static int select(Connection c, int value) throws SQLException {
        // A prepared statement run again and again: with pgjdbc's default prepareThreshold (5) it would become a
        // named server-side statement, which transaction pooling loses between transactions (before 1.21).
        try (PreparedStatement ps = c.prepareStatement("SELECT ?::int + 0 FROM pg_sleep(0.002)")) {
            ps.setInt(1, value);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    @Test
    void maxSizeHoldsBehindPgBouncer() throws Exception {
        String app = "pgpool_h3_maxsize";
        start(recommended(app).maxSize(3));
        AtomicInteger peakClients = new AtomicInteger();
        AtomicInteger peakTotal = new AtomicInteger();
        List<Throwable> failures = new CopyOnWriteArrayList<>();
        AtomicInteger done = new AtomicInteger();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            Thread th = new Thread(() -> {
                for (int i = 0; i < 40; i++) {
                    try (Connection c = ds.getConnection()) {
                        assertThat(select(c, i)).isEqualTo(i);
                    } catch (Throwable e) {
                        failures.add(e);
                    }
                }
                done.incrementAndGet();
            });
            threads.add(th);
            th.start();
        }
        while (done.get() < threads.size()) {
            peakClients.accumulateAndGet(bouncer.clients(app), Math::max);
            peakTotal.accumulateAndGet(ds.pool().statistics().total(), Math::max);
        }
        for (Thread th : threads) {
            th.join();
        }
        System.out.printf("[pgbouncer] MaxSize=3, 8 threads x 40 requests: peak PgBouncer clients %d, peak pool "
                + "total %d, failures %d%n", peakClients.get(), peakTotal.get(), failures.size());
        assertThat(failures).isEmpty();
        assertThat(peakClients.get()).as("PgBouncer's clients of this pool at the peak").isBetween(1, 3);
        assertThat(peakTotal.get()).isLessThanOrEqualTo(3);
    }

    @Test
    void maxWaitHoldsBehindPgBouncer() throws Exception {
        start(recommended("pgpool_h3_maxwait").maxSize(2).maxWait(Duration.ofSeconds(1)));
        try (Connection a = ds.getConnection(); Connection b = ds.getConnection()) {
            assertThat(select(a, 1) + select(b, 2)).isEqualTo(3);
            long t0 = System.nanoTime();
            assertThatThrownBy(ds::getConnection).isInstanceOf(PoolTimeoutException.class);
            long waitedMs = (System.nanoTime() - t0) / 1_000_000;
            System.out.printf("[pgbouncer] MaxWait=1s with MaxSize=2 held: timed out after %d ms%n", waitedMs);
            assertThat(waitedMs).isBetween(1000L, 5000L);
        }
    }

    @Test
    void cleanupEmptiesThePoolBehindPgBouncer() throws Exception {
        String app = "pgpool_h3_cleanup";
        start(recommended(app).cleanup(Duration.ofSeconds(1)));
        CountDownLatch held = new CountDownLatch(3);
        CountDownLatch release = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 3; t++) {
            Thread th = new Thread(() -> {
                try (Connection c = ds.getConnection()) {
                    select(c, 1);
                    held.countDown();
                    release.await();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            threads.add(th);
            th.start();
        }
        held.await();
        assertThat(bouncer.clients(app)).isEqualTo(3);
        release.countDown();
        for (Thread th : threads) {
            th.join();
        }
        long released = System.nanoTime();
        assertThat(bouncer.clients(app)).as("idle connections stay until Cleanup").isEqualTo(3);
        Await.until("PgBouncer to see no client of the pool", Duration.ofSeconds(20), () -> bouncer.clients(app) == 0);
        long emptiedMs = (System.nanoTime() - released) / 1_000_000;
        System.out.printf("[pgbouncer] Cleanup=1s: no client left %d ms after the last release%n", emptiedMs);
        assertThat(emptiedMs).isGreaterThanOrEqualTo(1000L);
        assertThat(ds.pool().statistics().total()).isZero();
    }

    /**
     * PgBouncer's restart (SIGINT, as Debian's service stops it) closes every idle client with a bare end-of-stream:
     * no ErrorResponse is sent, so the socket shows {@code available() == 0} and only a read sees {@code -1}. The
     * hand-out check reads without waiting ({@link LinkSocket#hasUnreadInputOrEnded()}), so at the default
     * ValidateIdle (1 s, much longer than this test's pause) no request gets a dead connection. Before that check,
     * the first request failed with 08006.
     */
    @Test
    void aRestartOfPgBouncerCostsNoRequest() throws Exception {
        String app = "pgpool_h3_bouncer_restart";
        start(recommended(app).maxSize(4));
        warm(4);
        assertThat(ds.pool().statistics().idle()).isEqualTo(4);
        bouncer.restart();
        List<String> failures = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            try (Connection c = ds.getConnection()) {
                select(c, i);
            } catch (SQLException e) {
                failures.add(e.getSQLState() + " " + e.getMessage());
            }
        }
        System.out.printf("[pgbouncer] restart of PgBouncer with 4 idle connections, then 40 requests: %d failed "
                + "%s%n", failures.size(), failures);
        assertThat(failures).as("requests after PgBouncer restarted (none was in flight)").isEmpty();
    }

    @Test
    void aRestartOfPostgresBehindPgBouncerCostsOnlyTheRequestsInFlight() throws Exception {
        start(recommended("pgpool_h3_pg_restart"));
        try (WriteLedger ledger = new WriteLedger(ds, 4, 0)) {
            ledger.start();
            Await.until("writers to commit", Duration.ofSeconds(30), () -> ledger.commits() >= 200);
            long restarting = System.nanoTime();
            backend.restart();
            long restarted = System.nanoTime();
            Await.until("200 commits after the restart", Duration.ofSeconds(60),
                    () -> ledger.commitsAfter(restarted) >= 200,
                    () -> ds.pool().statistics() + " " + FailoverTest.summary(ledger.failures()));
            Long first = ledger.firstCommitAfter(restarted);
            ledger.close();
            List<WriteLedger.Failure> failures = ledger.failures();
            long inFlight = failures.stream().filter(f -> f.startedNanos() - restarting < 0).count();
            List<WriteLedger.Failure> later = failures.stream().filter(f -> f.startedNanos() - restarted > 0)
                    .collect(Collectors.toList());
            java.util.Set<Long> missing = missingCommits(ledger);
            System.out.printf("[pgbouncer] restart of PostgreSQL behind PgBouncer (%.0f ms): first commit %.0f ms "
                    + "after it was back; failed %d (%s): in flight when it began %d, started during it %d, after "
                    + "it %d; lost %d of %d%n", (restarted - restarting) / 1e6, (first - restarted) / 1e6,
                    failures.size(), FailoverTest.summary(failures), inFlight, failures.size() - inFlight
                            - later.size(), later.size(), missing.size(), ledger.acknowledgedIds().size());
            assertThat(missing).as("acknowledged commits missing").isEmpty();
            assertThat(later).as("requests that started after PostgreSQL was back").isEmpty();
        }
    }

    private java.util.Set<Long> missingCommits(WriteLedger ledger) throws SQLException {
        java.util.Set<Long> present = new java.util.HashSet<>();
        try (Connection c = backend.admin(DB); java.sql.Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT id FROM ledger")) {
            while (rs.next()) {
                present.add(rs.getLong(1));
            }
        }
        java.util.Set<Long> missing = ledger.acknowledgedIds();
        missing.removeAll(present);
        return missing;
    }

    /** Opens {@code n} connections at once and gives them back, so that the pool holds {@code n} idle ones. */
    private void warm(int n) throws Exception {
        List<Connection> held = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Connection c = ds.getConnection();
            select(c, i);
            held.add(c);
        }
        for (Connection c : held) {
            c.close();
        }
    }
}
