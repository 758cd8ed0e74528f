package io.github.pgpool.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.pgpool.api.PoolSettings;
import io.github.pgpool.api.PoolTimeoutException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The promises that hold whatever the network or the server does, at the default settings unless a test says why
 * not: a terminated idle backend costs no error, a slow or stalled login neither exceeds MaxSize nor holds a borrower
 * past MaxWait, and closing connections under churn never leaves more backends on the server than MaxSize.
 */
class NetworkFaultTest {
    private static TestDatabase db;
    private FaultProxy proxy;
    private PgPoolDataSource ds;

    @BeforeAll
    static void createDatabase() {
        db = TestDatabase.create("pgpool_core_network");
    }

    @AfterEach
    void tearDown() throws Exception {
        if (ds != null) {
            ds.close();
        }
        if (proxy != null) {
            proxy.close();
        }
        Await.until("the pool's backends to go", Duration.ofSeconds(10), () -> db.backends() == 0);
    }

    private PoolSettings.Builder throughProxy(FaultProxy p) {
        proxy = p;
        return db.settings().serverName("127.0.0.1").portNumber(p.port());
    }

    private FaultProxy newProxy() throws Exception {
        PoolSettings target = db.settings().build();
        return new FaultProxy(target.serverName(), target.portNumber());
    }

    private static int one(Connection c) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT 1"); ResultSet rs = s.executeQuery()) {
            rs.next();
            return rs.getInt(1);
        }
    }

    @Test
    void terminatedIdleBackendsCostTheApplicationNoErrorAtTheDefaultSettings() throws Exception {
        ds = new PgPoolDataSource(db.settings().build());
        List<Connection> held = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            held.add(ds.getConnection());
            assertThat(one(held.get(i))).isEqualTo(1);
        }
        for (Connection c : held) {
            c.close();
        }
        List<Integer> pids = db.pids();
        assertThat(pids).hasSize(3);
        assertThat(db.terminate(pids)).isEqualTo(3);
        Await.until("terminated backends to go", Duration.ofSeconds(10), () -> db.backends() == 0);

        // At once, well within ValidateIdle (1 s): the pool must see the farewell without a round trip.
        for (int i = 0; i < 3; i++) {
            try (Connection c = ds.getConnection()) {
                assertThat(one(c)).isEqualTo(1);
            }
        }
        assertThat(ds.pool().statistics().closedBroken()).isEqualTo(3);
    }

    @Test
    void aBorrowerWhoseInterruptStatusIsSetKeepsItsConnection() throws Exception {
        // The socket stands on a channel, whose blocking I/O closes on an interrupt; pgjdbc's plain socket did not.
        ds = new PgPoolDataSource(db.settings().build());
        int pid;
        try (Connection c = ds.getConnection()) {
            pid = backendPid(c);
        }
        Thread.currentThread().interrupt(); // as a cancelled task that goes on to clean up
        try {
            try (Connection c = ds.getConnection()) {
                assertThat(one(c)).isEqualTo(1);
                assertThat(backendPid(c)).as("the same backend").isEqualTo(pid);
            }
            assertThat(Thread.currentThread().isInterrupted()).as("the borrower's interrupt status").isTrue();
        } finally {
            Thread.interrupted();
        }
        try (Connection c = ds.getConnection()) {
            assertThat(backendPid(c)).as("still the same backend after the return").isEqualTo(pid);
        }
        assertThat(ds.pool().statistics().closedBroken()).isZero();
    }

    private static int backendPid(Connection c) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT pg_backend_pid()"); ResultSet rs = s.executeQuery()) {
            rs.next();
            return rs.getInt(1);
        }
    }

    @Test
    void aSlowLoginNeverHoldsMoreBackendsThanMaxSize() throws Exception {
        slowLogin(""); // pgjdbc's default sslmode=prefer: the first reply held back is the answer to SSLRequest
    }

    @Test
    void aSlowLoginWithoutTlsNeverHoldsMoreBackendsThanMaxSize() throws Exception {
        slowLogin("sslmode=disable"); // the first reply held back is the login's: a backend exists meanwhile
    }

    private void slowLogin(String driverProperties) throws Exception {
        // The server's first reply comes 700 ms late; each attempt may take 200 ms, the borrower waits 2 s.
        ds = new PgPoolDataSource(throughProxy(newProxy().delayFirstReply(700)).maxSize(1)
                .connectTimeout(Duration.ofMillis(200)).maxWait(Duration.ofSeconds(2))
                .driverProperties(driverProperties).build());
        long start = System.nanoTime();
        try (BackendSampler backends = new BackendSampler(db.name)) {
            assertThatThrownBy(ds::getConnection).isInstanceOf(PoolTimeoutException.class);
            long waited = (System.nanoTime() - start) / 1_000_000;
            assertThat(waited).as("ms the borrower waited").isBetween(2_000L, 4_000L);
            Await.until("the attempts' backends to go", Duration.ofSeconds(10), () -> db.backends() == 0);
            System.out.printf("[network] slow login (%s): peak %d backends at MaxSize 1, %d samples, %d connect "
                    + "failures, borrower waited %d ms%n", driverProperties, backends.peak(), backends.samples(),
                    ds.pool().statistics().connectFailures(), waited);
            assertThat(backends.peak()).as("backends at once").isLessThanOrEqualTo(1);
            assertThat(backends.samples()).as("samples taken").isGreaterThan(10);
        }
        assertThat(ds.pool().statistics().connectFailures()).isGreaterThanOrEqualTo(2);
    }

    @Test
    void aLinkThatStallsRightAfterLoginDoesNotHoldTheBorrowerPastMaxWait() throws Exception {
        // The link goes silent after the login (1), after the first (2) or the second (3) round trip the pool makes
        // on the new connection: every one of them is bounded by what is left of MaxWait.
        for (int stallAfter = 1; stallAfter <= 3; stallAfter++) {
            ds = new PgPoolDataSource(throughProxy(newProxy().stallAfterReadyForQuery(stallAfter))
                    .maxWait(Duration.ofSeconds(2)).build());
            long start = System.nanoTime();
            assertThatThrownBy(ds::getConnection).isInstanceOf(PoolTimeoutException.class);
            long waited = (System.nanoTime() - start) / 1_000_000;
            System.out.printf("[network] stall after ReadyForQuery #%d: borrower waited %d ms at MaxWait 2000 ms%n",
                    stallAfter, waited);
            assertThat(waited).as("ms the borrower waited, stall after #" + stallAfter).isBetween(2_000L, 3_500L);
            ds.close();
            proxy.close();
        }
    }

    @Test
    void churnByExpiresAndEvictionNeverLeavesMoreBackendsThanMaxSize() throws Exception {
        int maxSize = 4;
        ds = new PgPoolDataSource(db.settings().maxSize(maxSize).expires(Duration.ofMillis(150)).build());
        AtomicInteger served = new AtomicInteger();
        List<Thread> workers = new ArrayList<>();
        List<Throwable> failures = new ArrayList<>();
        long until = System.nanoTime() + 4_000_000_000L;
        try (BackendSampler backends = new BackendSampler(db.name)) {
            for (int i = 0; i < 8; i++) {
                Thread t = new Thread(() -> {
                    while (System.nanoTime() - until < 0) {
                        try (Connection c = ds.getConnection()) {
                            one(c);
                            served.incrementAndGet();
                        } catch (SQLException | RuntimeException e) {
                            synchronized (failures) {
                                failures.add(e);
                            }
                        }
                    }
                }, "churn-" + i);
                workers.add(t);
                t.start();
            }
            Thread evictor = new Thread(() -> {
                while (System.nanoTime() - until < 0) {
                    ds.pool().evictAll();
                    LockSupport.parkNanos(50_000_000L); // the fault's pace, not a synchronisation: every 50 ms
                }
            }, "evictor");
            evictor.start();
            for (Thread t : workers) {
                t.join(20_000);
            }
            evictor.join(20_000);
            long closed = ds.pool().statistics().closedExpired() + ds.pool().statistics().closedEvicted();
            System.out.printf("[network] churn: peak %d backends at MaxSize %d over %d samples; %d served, %d "
                    + "connections closed by Expires or eviction%n", backends.peak(), maxSize, backends.samples(),
                    served.get(), closed);
            assertThat(failures).isEmpty();
            assertThat(closed).as("connections replaced").isGreaterThan(20);
            assertThat(backends.peak()).as("backends at once").isLessThanOrEqualTo(maxSize);
        }
    }
}
