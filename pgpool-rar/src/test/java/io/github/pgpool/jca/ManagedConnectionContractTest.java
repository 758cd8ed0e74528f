package io.github.pgpool.jca;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.pgpool.api.PoolStatistics;
import io.github.pgpool.api.PoolTimeoutException;
import io.github.pgpool.core.PgPool;
import io.github.pgpool.core.PooledConnection;
import jakarta.resource.ResourceException;
import jakarta.resource.spi.ConnectionEvent;
import jakarta.resource.spi.ConnectionManager;
import jakarta.resource.spi.ManagedConnection;
import jakarta.resource.spi.security.PasswordCredential;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.sql.Statement;
import java.util.List;
import java.util.Set;
import javax.security.auth.Subject;
import javax.sql.DataSource;
import javax.transaction.xa.XAException;
import javax.transaction.xa.XAResource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;

/**
 * The Connectors contract of managed connections and handles, driven by a fake connection manager against the real
 * database: events, cleanup, association, leases, transactions demarcated by the application or the server,
 * credentials.
 */
class ManagedConnectionContractTest {
    private PgPoolResourceAdapter ra;
    private String app;
    private PgPoolManagedConnectionFactory mcf;
    private FakeConnectionManager cm;
    private DataSource ds;
    private PgPool pool;

    @BeforeEach
    void setUp() throws Exception {
        ra = new PgPoolResourceAdapter();
        ra.start(null);
        app = TestDatabase.uniqueApplicationName();
        mcf = TestDatabase.factory(app);
        mcf.setResourceAdapter(ra);
        cm = new FakeConnectionManager();
        ds = (DataSource) mcf.createConnectionFactory(cm);
        pool = ds.unwrap(PgPool.class);
    }

    @AfterEach
    void tearDown() {
        ra.stop();
    }

    @Test
    void aManagedConnectionLeasesNothingUntilUsedAndCloseGivesTheBackendBack() throws Exception {
        PgPoolManagedConnection mc = (PgPoolManagedConnection) mcf.createManagedConnection(null, null);
        Connection handle = (Connection) mc.getConnection(null, null);
        mc.getXAResource(); // Payara asks for it on every allocation
        assertThat(pool.statistics().total()).isZero();
        assertThat(TestDatabase.backends(app)).isZero();

        assertThat(query(handle, "SELECT 1")).isEqualTo("1"); // the first call leases
        assertThat(pool.statistics().active()).isEqualTo(1);
        assertThat(TestDatabase.backends(app)).isEqualTo(1);

        handle.close();
        PoolStatistics s = pool.statistics();
        assertThat(s.active()).isZero();
        assertThat(s.idle()).isEqualTo(1); // back in pgpool, ready for the next borrower
        mc.destroy();
    }

    @Test
    void getConnectionLeasesEagerlyAndCloseReturnsTheConnectionToThePool() throws Exception {
        Connection c = ds.getConnection();
        assertThat(pool.statistics().active()).isEqualTo(1);
        c.close();
        assertThat(pool.statistics().active()).isZero();
        assertThat(cm.eventIds()).containsExactly(ConnectionEvent.CONNECTION_CLOSED);

        // The server reuses its managed connection; pgpool reuses its physical connection.
        try (Connection again = ds.getConnection()) {
            assertThat(query(again, "SELECT 1")).isEqualTo("1");
        }
        assertThat(cm.created).hasSize(1);
        assertThat(pool.statistics().created()).isEqualTo(1);
        assertThat(TestDatabase.awaitBackends(app, n -> n == 1)).isEqualTo(1);
    }

    @Test
    void everyListenerGetsEveryEventEvenIfOneRemovesItselfMeanwhile() throws Exception {
        ManagedConnection mc = mcf.createManagedConnection(null, null);
        RecordingListener first = new RecordingListener();
        RecordingListener[] quitter = new RecordingListener[1];
        quitter[0] = new RecordingListener(e -> mc.removeConnectionEventListener(quitter[0]));
        RecordingListener last = new RecordingListener();
        mc.addConnectionEventListener(first);
        mc.addConnectionEventListener(quitter[0]);
        mc.addConnectionEventListener(last);

        Connection h1 = (Connection) mc.getConnection(null, null);
        h1.close();
        assertThat(first.ids()).containsExactly(ConnectionEvent.CONNECTION_CLOSED);
        assertThat(quitter[0].ids()).containsExactly(ConnectionEvent.CONNECTION_CLOSED);
        assertThat(last.ids()).containsExactly(ConnectionEvent.CONNECTION_CLOSED);
        assertThat(first.events.get(0).getConnectionHandle()).isSameAs(h1);
        assertThat(first.events.get(0).getSource()).isSameAs(mc);

        Connection h2 = (Connection) mc.getConnection(null, null);
        h2.close();
        assertThat(first.ids()).hasSize(2);
        assertThat(quitter[0].ids()).hasSize(1); // it removed itself
        assertThat(last.ids()).hasSize(2);
        mc.destroy();
    }

    @Test
    void aFatalErrorIsReportedToEveryListenerAndTheBrokenConnectionNeverComesBack() throws Exception {
        ManagedConnection mc = mcf.createManagedConnection(null, null);
        RecordingListener first = new RecordingListener();
        RecordingListener second = new RecordingListener();
        mc.addConnectionEventListener(first);
        mc.addConnectionEventListener(second);
        Connection h = (Connection) mc.getConnection(null, null);

        // The backend is terminated (SQLState 57P01, admin_shutdown) by the statement itself: the statement's own
        // failure reaches every listener at once, before the application makes another call.
        assertThatThrownBy(() -> query(h, "SELECT pg_terminate_backend(pg_backend_pid())"))
                .isInstanceOf(SQLException.class);
        assertThat(first.ids()).containsExactly(ConnectionEvent.CONNECTION_ERROR_OCCURRED);
        assertThat(second.ids()).containsExactly(ConnectionEvent.CONNECTION_ERROR_OCCURRED);
        assertThat(first.events.get(0).getException()).isInstanceOf(SQLException.class);
        assertThat(first.events.get(0).getConnectionHandle()).isSameAs(h);
        assertThat(mcf.getInvalidConnections(Set.of(mc))).containsExactly(mc);

        mc.destroy(); // what the server does on CONNECTION_ERROR_OCCURRED
        PoolStatistics s = pool.statistics();
        assertThat(s.active()).isZero();
        assertThat(s.idle()).isZero();
        assertThat(s.closedBroken()).isEqualTo(1);
    }

    @Test
    void cleanupIsIdempotentInvalidatesHandlesAndGivesTheLeaseBack() throws Exception {
        ManagedConnection mc = mcf.createManagedConnection(null, null);
        Connection h = (Connection) mc.getConnection(null, null);
        Statement st = h.createStatement();
        assertThat(pool.statistics().active()).isEqualTo(1);

        mc.cleanup();
        mc.cleanup();
        assertThat(pool.statistics().active()).isZero();
        assertThat(h.isClosed()).isTrue();
        assertThat(st.isClosed()).isTrue();
        assertThatThrownBy(h::createStatement).isInstanceOf(SQLException.class)
                .extracting(e -> ((SQLException) e).getSQLState()).isEqualTo("08003");

        // The managed connection is reusable after cleanup.
        Connection next = (Connection) mc.getConnection(null, null);
        assertThat(query(next, "SELECT 2")).isEqualTo("2");
        next.close();
        mc.destroy();
        mc.destroy();
        assertThat(pool.statistics().active()).isZero();
    }

    @Test
    void destroyWithAHandleStillOpenInATransactionClosesThePhysicalConnectionInsteadOfPoolingIt() throws Exception {
        ManagedConnection mc = mcf.createManagedConnection(null, null);
        Connection h = (Connection) mc.getConnection(null, null);
        mc.getLocalTransaction().begin();
        assertThat(query(h, "SELECT 1")).isEqualTo("1");
        mc.destroy(); // forced: the application may still be inside a call on another thread
        assertThat(h.isClosed()).isTrue();
        PoolStatistics s = pool.statistics();
        assertThat(s.active()).isZero();
        assertThat(s.idle()).isZero();
        assertThat(s.closedBroken()).isEqualTo(1);
    }

    /**
     * Payara cleans up and destroys every managed connection of a pool from its admin thread, those in use included,
     * when an administrator changes a property: outside a transaction the running request finishes on its lease,
     * given back when it closes.
     */
    @Test
    void cleanupAndDestroyFromAnotherThreadOutsideATransactionLetTheRequestFinish() throws Exception {
        ManagedConnection mc = mcf.createManagedConnection(null, null);
        Connection used = (Connection) mc.getConnection(null, null);
        Connection unused = (Connection) mc.getConnection(null, null);
        String who = query(used, "SELECT pg_backend_pid()");
        Heard heard = Heard.on(mc);
        onAnotherThread(() -> {
            mc.cleanup();
            mc.destroy();
        });
        assertThat(used.isClosed()).isFalse();
        assertThat(query(used, "SELECT pg_backend_pid()")).as("the same backend").isEqualTo(who);
        assertThat(query(unused, "SELECT pg_backend_pid()")).as("the other handle shares it").isEqualTo(who);
        used.close();
        assertThat(pool.statistics().active()).as("still held by the second handle").isOne();
        unused.close();
        PoolStatistics s = pool.statistics();
        assertThat(s.active()).isZero();
        assertThat(s.idle()).as("given back clean, reusable").isOne();
        assertThat(heard.ids).as("a destroyed managed connection tells nobody").isEmpty();
    }

    /**
     * Payara may hand out a managed connection its admin thread destroyed a moment before (asadmin set re-creates the
     * pool and destroys busy entries too, between the pool's pick and getConnection): the request is served anyway,
     * on a lease of its own, and a transaction cannot start on it.
     */
    @Test
    void aHandleAskedOfADestroyedManagedConnectionStillServesItsRequest() throws Exception {
        ManagedConnection mc = mcf.createManagedConnection(null, null);
        Heard heard = Heard.on(mc);
        mc.destroy();
        Connection late = (Connection) mc.getConnection(null, null);
        assertThat(query(late, "SELECT 7")).isEqualTo("7");
        late.setAutoCommit(false); // its own local transaction, on its own lease
        assertThat(query(late, "SELECT 8")).isEqualTo("8");
        late.commit();
        late.setAutoCommit(true);
        assertThat(pool.statistics().active()).isOne();
        late.close();
        assertThat(late.isClosed()).isTrue();
        PoolStatistics s = pool.statistics();
        assertThat(s.active()).isZero();
        assertThat(s.idle()).as("given back clean").isOne();
        assertThat(heard.ids).as("a destroyed managed connection tells nobody").isEmpty();
        assertThatThrownBy(() -> mc.getLocalTransaction().begin()).as("no transaction on it")
                .isInstanceOf(jakarta.resource.ResourceException.class);
        assertThatThrownBy(late::createStatement).isInstanceOf(SQLException.class)
                .extracting(e -> ((SQLException) e).getSQLState()).isEqualTo("08003");
    }

    /**
     * The request's first call looks for its lease just as Payara's admin thread destroys the managed connection:
     * the handle, orphaned while it waited for the managed connection's monitor, goes on with a lease of its own.
     */
    @Test
    void aCallRacingTheServersDestroyGoesOnAsAnOrphan() throws Exception {
        ManagedConnection mc = mcf.createManagedConnection(null, null);
        Connection h = (Connection) mc.getConnection(null, null); // no lease yet
        java.util.concurrent.atomic.AtomicReference<Thread> requestThread = new java.util.concurrent.atomic.AtomicReference<>();
        java.util.concurrent.CountDownLatch holding = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CompletableFuture<Void> admin = onThread("admin", () -> {
            synchronized (mc) {
                holding.countDown();
                long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
                while ((requestThread.get() == null || requestThread.get().getState() != Thread.State.BLOCKED)
                        && System.nanoTime() < deadline) {
                    Thread.onSpinWait(); // the request waits for this monitor, having found no lease
                }
                mc.cleanup();
                mc.destroy();
            }
            return null;
        });
        assertThat(holding.await(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        java.util.concurrent.CompletableFuture<String> answer = onThread("request", () -> {
            requestThread.set(Thread.currentThread());
            return query(h, "SELECT 5");
        });
        assertThat(answer.get(10, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo("5");
        admin.get(10, java.util.concurrent.TimeUnit.SECONDS);
        h.close();
        PoolStatistics s = pool.statistics();
        assertThat(s.active()).isZero();
        assertThat(s.idle()).as("the orphan's lease given back clean").isOne();
    }

    /**
     * A request waiting for a free connection holds no monitor of its managed connection: the server can clean it up
     * meanwhile (Payara's admin thread on a pool kill), and on JDK 21-23 a waiting virtual thread pins no carrier.
     */
    @Test
    void theWaitForAFreeConnectionHoldsNoMonitor() throws Exception {
        PgPoolManagedConnectionFactory one = factoryOfOne();
        PgPool onePool = one.pool();
        PooledConnection taken = onePool.borrow(); // the only connection, held by "another request"
        ManagedConnection mc = one.createManagedConnection(null, null);
        Connection h = (Connection) mc.getConnection(null, null);
        java.util.concurrent.CompletableFuture<String> answer = onThread("request", () -> query(h, "SELECT 6"));
        awaitOneWaiting(onePool);

        java.util.concurrent.CompletableFuture<Void> cleaned = onThread("admin", () -> {
            mc.cleanup(); // the server's thread, not the request's: the handle goes on as an orphan
            return null;
        });
        cleaned.get(5, java.util.concurrent.TimeUnit.SECONDS); // MaxWait is 10 s: it must not wait for the request
        assertThat(answer).as("still waiting").isNotDone();

        taken.release();
        assertThat(answer.get(10, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo("6");
        h.close();
        mc.destroy();
        PoolStatistics s = onePool.statistics();
        assertThat(s.active()).isZero();
        assertThat(s.total()).as("MaxSize 1 held").isOne();
    }

    /** The same for a transaction start: XA start waits for its connection before it takes the monitor. */
    @Test
    void anXaStartWaitingForAConnectionHoldsNoMonitor() throws Exception {
        PgPoolManagedConnectionFactory one = factoryOfOne();
        PgPool onePool = one.pool();
        PooledConnection taken = onePool.borrow();
        ManagedConnection mc = one.createManagedConnection(null, null);
        XAResource xa = mc.getXAResource();
        javax.transaction.xa.Xid xid = TestXid.random();
        java.util.concurrent.CompletableFuture<Void> started = onThread("transaction", () -> {
            xa.start(xid, XAResource.TMNOFLAGS);
            return null;
        });
        awaitOneWaiting(onePool);
        java.util.concurrent.CompletableFuture<Object> other = onThread("other", mc::getLocalTransaction); // monitor
        assertThat(other.get(5, java.util.concurrent.TimeUnit.SECONDS)).isNotNull();
        assertThat(started).isNotDone();

        taken.release();
        started.get(10, java.util.concurrent.TimeUnit.SECONDS);
        xa.end(xid, XAResource.TMSUCCESS);
        xa.rollback(xid);
        mc.cleanup();
        mc.destroy();
        assertThat(onePool.statistics().active()).isZero();
        assertThat(onePool.statistics().total()).as("MaxSize 1 held").isOne();
    }

    @Test
    void aCleanupOnTheRequestsOwnThreadTakesTheLeaseBackAtOnce() throws Exception {
        ManagedConnection mc = mcf.createManagedConnection(null, null);
        Connection left = (Connection) mc.getConnection(null, null);
        query(left, "SELECT 1");
        mc.cleanup(); // Payara at the end of a request that left its handle open
        assertThat(left.isClosed()).isTrue();
        assertThat(pool.statistics().idle()).isOne();
    }

    private interface ResourceCall {
        void run() throws Exception;
    }

    private static void onAnotherThread(ResourceCall call) throws Exception {
        onThread("server-admin-thread", () -> {
            call.run();
            return null;
        }).get(30, java.util.concurrent.TimeUnit.SECONDS);
    }

    /** @return the outcome of {@code work}, started now on a thread of its own named {@code name} */
    private static <T> java.util.concurrent.CompletableFuture<T> onThread(String name,
            java.util.concurrent.Callable<T> work) {
        java.util.concurrent.CompletableFuture<T> done = new java.util.concurrent.CompletableFuture<>();
        new Thread(() -> {
            try {
                done.complete(work.call());
            } catch (Throwable e) {
                done.completeExceptionally(e);
            }
        }, name).start();
        return done;
    }

    /** A factory of this test's database whose pool has a single connection (MaxWait at its default, 10 s). */
    private PgPoolManagedConnectionFactory factoryOfOne() throws ResourceException {
        PgPoolManagedConnectionFactory one = TestDatabase.factory(app);
        one.setPoolName(app + "-one");
        one.setMaxSize("1");
        one.setResourceAdapter(ra);
        return one;
    }

    /** Waits, with a deadline, until a borrower of {@code p} waits for a connection. */
    private static void awaitOneWaiting(PgPool p) {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
        while (p.statistics().waiting() == 0 && System.nanoTime() < deadline) {
            Thread.yield();
        }
        assertThat(p.statistics().waiting()).as("a borrower waits for the connection").isOne();
    }

    @Test
    void aHandleLeftOpenAfterDestroyLosesItsConnectionAfterMaxWait() throws Exception {
        mcf.setMaxWait("200ms");
        ManagedConnection mc = mcf.createManagedConnection(null, null);
        Connection leaked = (Connection) mc.getConnection(null, null);
        query(leaked, "SELECT 1");
        PgPool current = mcf.pool();
        onAnotherThread(mc::destroy);
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (current.statistics().active() != 0 && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertThat(current.statistics().active()).isZero();
        assertThat(current.statistics().closedBroken()).isOne();
        assertThatThrownBy(() -> query(leaked, "SELECT 1")).isInstanceOf(SQLException.class);
    }

    @Test
    void aClosedHandleFailsEveryCallWith08003AndItsStatementsAreClosed() throws Exception {
        Connection h = ds.getConnection();
        Statement st = h.createStatement();
        ResultSet rs = st.executeQuery("SELECT 1");
        h.close();
        h.close(); // closing twice is harmless and fires no second event
        assertThat(cm.eventIds()).containsExactly(ConnectionEvent.CONNECTION_CLOSED);
        assertThat(st.isClosed()).isTrue();
        assertThat(rs.isClosed()).isTrue();
        assertThat(h.isClosed()).isTrue();
        assertThat(h.isValid(1)).isFalse();
        for (ThrowingCall call : List.<ThrowingCall>of(h::createStatement, () -> h.prepareStatement("SELECT 1"),
                h::commit, () -> h.setAutoCommit(false), h::getMetaData, () -> h.unwrap(PGConnection.class))) {
            assertThatThrownBy(call::run).isInstanceOf(SQLException.class)
                    .extracting(e -> ((SQLException) e).getSQLState()).isEqualTo("08003");
        }
    }

    @Test
    void associateConnectionMovesAHandleWithItsLeaseToAnotherManagedConnection() throws Exception {
        PgPoolManagedConnection mc1 = (PgPoolManagedConnection) mcf.createManagedConnection(null, null);
        PgPoolManagedConnection mc2 = (PgPoolManagedConnection) mcf.createManagedConnection(null, null);
        RecordingListener l1 = new RecordingListener();
        RecordingListener l2 = new RecordingListener();
        mc1.addConnectionEventListener(l1);
        mc2.addConnectionEventListener(l2);

        PgPoolConnection h = (PgPoolConnection) mc1.getConnection(null, null);
        int pid = h.unwrap(PGConnection.class).getBackendPID();
        Statement st = h.createStatement();
        mc2.associateConnection(h);
        assertThat(h.managedConnection()).isSameAs(mc2);
        // The handle was the lease's only user and mc2 had none: the physical connection moved with it.
        assertThat(pool.statistics().active()).isEqualTo(1);
        assertThat(st.isClosed()).isFalse();
        assertThat(h.unwrap(PGConnection.class).getBackendPID()).isEqualTo(pid);
        mc1.cleanup(); // must not touch the moved handle
        assertThat(h.isClosed()).isFalse();
        assertThat(query(h, "SELECT 1")).isEqualTo("1");

        h.close();
        assertThat(l1.ids()).isEmpty();
        assertThat(l2.ids()).containsExactly(ConnectionEvent.CONNECTION_CLOSED);
        assertThat(pool.statistics().active()).isZero();
        mc1.destroy();
        mc2.destroy();
    }

    @Test
    void associateConnectionOntoAManagedConnectionWithItsOwnLeaseClosesTheMovedHandlesStatements()
            throws Exception {
        PgPoolManagedConnection mc1 = (PgPoolManagedConnection) mcf.createManagedConnection(null, null);
        PgPoolManagedConnection mc2 = (PgPoolManagedConnection) mcf.createManagedConnection(null, null);
        PgPoolConnection moving = (PgPoolConnection) mc1.getConnection(null, null);
        PgPoolConnection staying = (PgPoolConnection) mc2.getConnection(null, null);
        Statement st = moving.createStatement();
        int targetPid = staying.unwrap(PGConnection.class).getBackendPID();
        assertThat(pool.statistics().active()).isEqualTo(2);

        mc2.associateConnection(moving);
        assertThat(st.isClosed()).isTrue(); // it ran on a physical connection the handle no longer uses
        assertThat(pool.statistics().active()).isEqualTo(1); // mc1's lease went back to the pool
        assertThat(moving.unwrap(PGConnection.class).getBackendPID()).isEqualTo(targetPid);

        moving.close();
        staying.close();
        assertThat(pool.statistics().active()).isZero();
        mc1.destroy();
        mc2.destroy();
    }

    @Test
    void unwrapGivesTheDriverConnection() throws Exception {
        try (Connection c = ds.getConnection()) {
            PGConnection pg = c.unwrap(PGConnection.class);
            assertThat(pg.getBackendPID()).isPositive();
            assertThat(c.isWrapperFor(PGConnection.class)).isTrue();
            assertThat(c.unwrap(PgPoolConnection.class)).isSameAs(c);
        }
    }

    @Test
    void aPoolTimeoutReachesTheApplicationAsPgpoolsOwnException() throws Exception {
        mcf.setMaxSize("1");
        mcf.setMaxWait("1s"); // long enough for opening the first connection on a busy machine
        pool = ds.unwrap(PgPool.class);
        try (Connection first = ds.getConnection()) {
            assertThat(query(first, "SELECT 1")).isEqualTo("1");
            assertThatThrownBy(ds::getConnection).isExactlyInstanceOf(PoolTimeoutException.class)
                    .isInstanceOf(SQLTransientConnectionException.class);
            // The failed request's managed connection went back to the server; nothing leaked.
            assertThat(cm.created).hasSize(2);
            assertThat(cm.idle).hasSize(1);
            assertThat(pool.statistics().active()).isEqualTo(1);
        }
        assertThat(pool.statistics().active()).isZero();
    }

    @Test
    void aPoolTimeoutDuringTheServersXaEnlistmentStillReachesTheApplicationUnwrapped() throws Exception {
        mcf.setMaxSize("1");
        mcf.setMaxWait("1s"); // long enough for opening the first connection on a busy machine
        // Like WildFly inside a transaction: the server enlists (XA start, which leases) before it hands out the
        // handle, and wraps the XAException in its own exceptions.
        ConnectionManager enlisting = (factory, info) -> {
            ManagedConnection mc = factory.createManagedConnection(null, info);
            try {
                mc.getXAResource().start(TestXid.random(), XAResource.TMNOFLAGS);
            } catch (XAException e) {
                throw new ResourceException("IJ000457: Unchecked throwable in managedConnectionReconnected",
                        new IllegalStateException("enlistment failed", e));
            }
            return mc.getConnection(null, info);
        };
        DataSource enlistingDs = (DataSource) mcf.createConnectionFactory(enlisting);
        try (Connection first = ds.getConnection()) {
            assertThat(query(first, "SELECT 1")).isEqualTo("1");
            assertThatThrownBy(enlistingDs::getConnection).isExactlyInstanceOf(PoolTimeoutException.class);
        }
    }

    @Test
    void aPoolTimeoutDuringEnlistmentReachesTheApplicationEvenWhenTheServerDropsTheCause() throws Exception {
        mcf.setMaxSize("1");
        mcf.setMaxWait("1s");
        // Like Payara inside a container transaction: the XAException of a failed enlistment becomes
        // "SystemException: null" and the cause is gone.
        ConnectionManager payaraLike = (factory, info) -> {
            ManagedConnection mc = factory.createManagedConnection(null, info);
            try {
                mc.getXAResource().start(TestXid.random(), XAResource.TMNOFLAGS);
            } catch (XAException e) {
                mc.destroy();
                throw new ResourceException("Error in allocating a connection. Cause: "
                        + "jakarta.transaction.SystemException: null");
            }
            return mc.getConnection(null, info);
        };
        DataSource payaraDs = (DataSource) mcf.createConnectionFactory(payaraLike);
        try (Connection first = ds.getConnection()) {
            assertThat(query(first, "SELECT 1")).isEqualTo("1");
            assertThatThrownBy(payaraDs::getConnection).isExactlyInstanceOf(PoolTimeoutException.class)
                    .hasMessageContaining("after waiting")
                    .satisfies(e -> assertThat(e.getSuppressed()).isNotEmpty());
        }
        // The per-thread slot is gone: a later failure of another kind is reported as the server's.
        ConnectionManager failing = (factory, info) -> {
            throw new ResourceException("server says no");
        };
        assertThatThrownBy(((DataSource) mcf.createConnectionFactory(failing))::getConnection)
                .isNotInstanceOf(PoolTimeoutException.class).hasMessageContaining("server says no");
    }

    @Test
    void aServerThatRetriesAFailedEnlistmentDoesNotMakeTheApplicationWaitTwice() throws Exception {
        mcf.setMaxSize("1");
        mcf.setMaxWait("1s");
        // Like Payara: when enlisting a new managed connection fails, it tries once more with another one.
        ConnectionManager retrying = (factory, info) -> {
            for (int attempt = 1;; attempt++) {
                ManagedConnection mc = factory.createManagedConnection(null, info);
                try {
                    mc.getXAResource().start(TestXid.random(), XAResource.TMNOFLAGS);
                    return mc.getConnection(null, info);
                } catch (XAException e) {
                    mc.destroy();
                    if (attempt == 2) {
                        throw new ResourceException("Error in allocating a connection");
                    }
                }
            }
        };
        DataSource retryingDs = (DataSource) mcf.createConnectionFactory(retrying);
        try (Connection first = ds.getConnection()) {
            assertThat(query(first, "SELECT 1")).isEqualTo("1");
            long t0 = System.nanoTime();
            assertThatThrownBy(retryingDs::getConnection).isExactlyInstanceOf(PoolTimeoutException.class);
            java.time.Duration waited = java.time.Duration.ofNanos(System.nanoTime() - t0);
            assertThat(waited).as("one MaxWait, not two").isBetween(java.time.Duration.ofSeconds(1),
                    java.time.Duration.ofMillis(1900));
        }
    }

    @Test
    void applicationDemarcatedLocalTransactionsAreReportedToListeners() throws Exception {
        try (Connection c = ds.getConnection()) {
            c.setAutoCommit(false);
            c.setAutoCommit(false); // no change, no event
            query(c, "SELECT 1");
            c.commit();
            query(c, "SELECT 1");
            c.rollback();
            c.setAutoCommit(true);
        }
        assertThat(cm.eventIds()).containsExactly(ConnectionEvent.LOCAL_TRANSACTION_STARTED,
                ConnectionEvent.LOCAL_TRANSACTION_COMMITTED, ConnectionEvent.LOCAL_TRANSACTION_ROLLEDBACK,
                ConnectionEvent.LOCAL_TRANSACTION_COMMITTED, ConnectionEvent.CONNECTION_CLOSED);
    }

    @Test
    void uncommittedApplicationWorkIsRolledBackWhenTheHandleCloses() throws Exception {
        TestDatabase.execute("CREATE TABLE IF NOT EXISTS pgpool_rar_local (id text PRIMARY KEY)");
        String id = app + "-uncommitted";
        try (Connection c = ds.getConnection()) {
            c.setAutoCommit(false);
            update(c, "INSERT INTO pgpool_rar_local VALUES ('" + id + "')");
        }
        assertThat(TestDatabase.count("SELECT count(*) FROM pgpool_rar_local WHERE id = ?", id)).isZero();
        try (Connection c = ds.getConnection()) {
            assertThat(c.getAutoCommit()).isTrue(); // the next borrower gets a clean session
        }
    }

    @Test
    void aServerDrivenLocalTransactionHoldsTheLeaseUntilItEndsAndRefusesApplicationControl() throws Exception {
        TestDatabase.execute("CREATE TABLE IF NOT EXISTS pgpool_rar_local (id text PRIMARY KEY)");
        PgPoolManagedConnection mc = (PgPoolManagedConnection) mcf.createManagedConnection(null, null);
        RecordingListener listener = new RecordingListener();
        mc.addConnectionEventListener(listener);

        mc.getLocalTransaction().begin();
        assertThat(pool.statistics().active()).isEqualTo(1);
        Connection h = (Connection) mc.getConnection(null, null);
        update(h, "INSERT INTO pgpool_rar_local VALUES ('" + app + "-rolledback')");
        assertThatThrownBy(h::commit).isInstanceOf(SQLException.class).hasMessageContaining("commit")
                .extracting(e -> ((SQLException) e).getSQLState()).isEqualTo("25000");
        assertThatThrownBy(() -> h.setAutoCommit(true)).isInstanceOf(SQLException.class);
        h.close();
        mc.cleanup(); // the server may clean up before the transaction ends: the lease stays
        assertThat(pool.statistics().active()).isEqualTo(1);
        mc.getLocalTransaction().rollback();
        assertThat(pool.statistics().active()).isZero(); // no handle open: given back at once

        mc.getLocalTransaction().begin();
        Connection h2 = (Connection) mc.getConnection(null, null);
        update(h2, "INSERT INTO pgpool_rar_local VALUES ('" + app + "-committed')");
        mc.getLocalTransaction().commit();
        assertThat(pool.statistics().active()).isEqualTo(1); // a handle is still open
        assertThat(h2.getAutoCommit()).isTrue();
        h2.close();
        assertThat(pool.statistics().active()).isZero();

        assertThat(TestDatabase.count("SELECT count(*) FROM pgpool_rar_local WHERE id LIKE ?", app + "%"))
                .isEqualTo(1);
        assertThat(TestDatabase.count("SELECT count(*) FROM pgpool_rar_local WHERE id = ?", app + "-committed"))
                .isEqualTo(1);
        // The server demarcated: no local transaction events, only the two closes.
        assertThat(listener.ids()).containsExactly(ConnectionEvent.CONNECTION_CLOSED,
                ConnectionEvent.CONNECTION_CLOSED);
        mc.destroy();
    }

    @Test
    void applicationCredentialsLeaseFromTheirOwnPartitionAndMatchOnlyTheirManagedConnections() throws Exception {
        TestDatabase.ensureOtherUser();
        try (Connection c = ds.getConnection(TestDatabase.OTHER_USER, "any")) {
            assertThat(query(c, "SELECT current_user")).isEqualTo(TestDatabase.OTHER_USER);
        }
        try (Connection c = ds.getConnection()) {
            assertThat(query(c, "SELECT current_user")).isEqualTo(TestDatabase.USER);
        }
        assertThat(cm.created).hasSize(2); // the other user's idle managed connection did not match
        try (Connection c = ds.getConnection(TestDatabase.OTHER_USER, "any")) {
            assertThat(query(c, "SELECT current_user")).isEqualTo(TestDatabase.OTHER_USER);
        }
        assertThat(cm.created).hasSize(2);
        assertThat(pool.statistics().created()).isEqualTo(2); // one physical connection per user, reused
    }

    @Test
    void containerManagedSignOnUsesThePasswordCredentialOfThisFactory() throws Exception {
        TestDatabase.ensureOtherUser();
        PasswordCredential pc = new PasswordCredential(TestDatabase.OTHER_USER, "any".toCharArray());
        pc.setManagedConnectionFactory(mcf);
        Subject subject = new Subject();
        subject.getPrivateCredentials().add(pc);
        cm.subject = subject;
        try (Connection c = ds.getConnection()) {
            assertThat(query(c, "SELECT current_user")).isEqualTo(TestDatabase.OTHER_USER);
        }
        ManagedConnection defaultUser = mcf.createManagedConnection(null, null);
        assertThat(mcf.matchManagedConnections(Set.of(defaultUser), subject, null)).isNull();
        assertThat(mcf.matchManagedConnections(Set.of(defaultUser, cm.idle.get(0)), subject, null))
                .isSameAs(cm.idle.get(0));
        assertThatThrownBy(() -> defaultUser.getConnection(subject, null))
                .isInstanceOf(jakarta.resource.spi.SecurityException.class);
        defaultUser.destroy();
    }

    /**
     * Servers pass a Subject with the pool's own user on every allocation (Payara: its default principal): that must
     * resolve to the configured credentials themselves, so the borrow takes the pool's fast path, while other kinds
     * of private credentials and another factory's password credential are passed over.
     */
    @Test
    void containerSignOnWithTheConfiguredUserResolvesToTheConfiguredCredentials() throws Exception {
        PasswordCredential otherFactory = new PasswordCredential("someone-else", "x".toCharArray());
        otherFactory.setManagedConnectionFactory(TestDatabase.factory("other-app"));
        PasswordCredential ours = new PasswordCredential(TestDatabase.USER, TestDatabase.PASSWORD.toCharArray());
        ours.setManagedConnectionFactory(mcf);
        Subject subject = new Subject();
        subject.getPrivateCredentials().add("not a password credential");
        subject.getPrivateCredentials().add(otherFactory);
        subject.getPrivateCredentials().add(ours);
        cm.subject = subject;

        assertThat(mcf.credentials(subject, null)).isSameAs(mcf.credentials(null, null));
        try (Connection c = ds.getConnection()) {
            assertThat(query(c, "SELECT current_user")).isEqualTo(TestDatabase.USER);
        }
        PasswordCredential wrongPassword = new PasswordCredential(TestDatabase.USER,
                (TestDatabase.PASSWORD + "?").toCharArray());
        Subject other = new Subject();
        other.getPrivateCredentials().add(wrongPassword);
        assertThat(mcf.credentials(other, null)).isNotEqualTo(mcf.credentials(null, null));
    }

    @FunctionalInterface
    private interface ThrowingCall {
        void run() throws Exception;
    }

    static String query(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    static void update(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.executeUpdate(sql);
        }
    }

    /** Records the ids of the events a managed connection sends to one listener of its own. */
    private static final class Heard implements jakarta.resource.spi.ConnectionEventListener {
        final List<Integer> ids = new java.util.concurrent.CopyOnWriteArrayList<>();

        static Heard on(ManagedConnection mc) {
            Heard h = new Heard();
            mc.addConnectionEventListener(h);
            return h;
        }

        @Override
        public void connectionClosed(jakarta.resource.spi.ConnectionEvent e) {
            ids.add(e.getId());
        }

        @Override
        public void localTransactionStarted(jakarta.resource.spi.ConnectionEvent e) {
            ids.add(e.getId());
        }

        @Override
        public void localTransactionCommitted(jakarta.resource.spi.ConnectionEvent e) {
            ids.add(e.getId());
        }

        @Override
        public void localTransactionRolledback(jakarta.resource.spi.ConnectionEvent e) {
            ids.add(e.getId());
        }

        @Override
        public void connectionErrorOccurred(jakarta.resource.spi.ConnectionEvent e) {
            ids.add(e.getId());
        }
    }
}
