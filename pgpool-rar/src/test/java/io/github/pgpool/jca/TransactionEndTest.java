package io.github.pgpool.jca;

import static io.github.pgpool.jca.ManagedConnectionContractTest.query;
import static io.github.pgpool.jca.ManagedConnectionContractTest.update;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.pgpool.core.PgPool;
import jakarta.resource.spi.LocalTransaction;
import jakarta.transaction.Status;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.SQLTransactionRollbackException;
import java.sql.Statement;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.transaction.xa.XAResource;
import javax.transaction.xa.Xid;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Work on a handle after its transaction ended, timed out or was marked rollback-only, on the real database, with a
 * fake transaction registry standing in for the server's: the handle refuses work that could not become durable,
 * a statement racing a transaction manager on another thread never commits on its own, and the handle works again
 * outside a transaction or once enlisted anew. The reaper is played by a second thread calling
 * {@code end(TMFAIL)} and {@code rollback}, which is what WildFly's transaction reaper was seen to call.
 */
class TransactionEndTest {
    private static final AtomicInteger ROWS = new AtomicInteger();

    private FakeTransactionRegistry registry;
    private PgPoolResourceAdapter ra;
    private String app;
    private PgPoolManagedConnectionFactory mcf;
    private PgPool pool;

    @BeforeAll
    static void prepareDatabase() throws SQLException {
        TestDatabase.execute("CREATE TABLE IF NOT EXISTS pgpool_rar_txend (id text PRIMARY KEY)");
    }

    @BeforeEach
    void setUp() throws Exception {
        registry = new FakeTransactionRegistry();
        ra = new PgPoolResourceAdapter();
        ra.start(registry.bootstrapContext());
        app = TestDatabase.uniqueApplicationName();
        mcf = TestDatabase.factory(app);
        mcf.setResourceAdapter(ra);
        pool = mcf.pool();
    }

    @AfterEach
    void tearDown() {
        ra.stop();
    }

    @Test
    void aBranchRolledBackByAReaperRefusesTheOpenHandleUntilTheThreadLeavesTheTransaction() throws Exception {
        PgPoolManagedConnection mc = (PgPoolManagedConnection) mcf.createManagedConnection(null, null);
        XAResource xa = mc.getXAResource();
        Xid xid = TestXid.random();
        registry.status(Status.STATUS_ACTIVE);
        xa.start(xid, XAResource.TMNOFLAGS);
        Connection h = (Connection) mc.getConnection(null, null);
        String before = insert(h);
        PreparedStatement prepared = h.prepareStatement("INSERT INTO pgpool_rar_txend VALUES (?)");

        reaper(xa, xid);
        registry.status(Status.STATUS_ROLLEDBACK); // what the application's thread sees after the reaper
        String after = id();
        assertThatThrownBy(() -> update(h, "INSERT INTO pgpool_rar_txend VALUES ('" + after + "')"))
                .isInstanceOf(SQLTransactionRollbackException.class).hasMessageContaining("rolled back")
                .extracting(e -> ((SQLException) e).getSQLState()).isEqualTo("40000");
        prepared.setString(1, after);
        assertThatThrownBy(prepared::executeUpdate).isInstanceOf(SQLTransactionRollbackException.class);
        assertThatThrownBy(() -> h.setAutoCommit(true)).isInstanceOf(SQLTransactionRollbackException.class);
        assertThat(h.isValid(1)).as("isValid answers instead of throwing").isFalse();
        assertThat(rows(before, after)).as("nothing of the rolled back transaction is durable").isZero();

        registry.status(Status.STATUS_NO_TRANSACTION); // the application ended its (dead) transaction
        assertThat(h.getAutoCommit()).as("outside a transaction the handle is in autocommit (JTA)").isTrue();
        String outside = insert(h);
        assertThat(rows(outside)).as("work outside a transaction commits at once").isEqualTo(1);
        h.close();
        assertThat(pool.statistics().active()).isZero();
        mc.destroy();
    }

    @Test
    void afterSetRollbackOnlyTheHandleRefusesWorkWhileTheBranchIsStillActive() throws Exception {
        PgPoolManagedConnection mc = (PgPoolManagedConnection) mcf.createManagedConnection(null, null);
        XAResource xa = mc.getXAResource();
        Xid xid = TestXid.random();
        registry.status(Status.STATUS_ACTIVE);
        xa.start(xid, XAResource.TMNOFLAGS);
        Connection h = (Connection) mc.getConnection(null, null);
        String inside = insert(h);
        registry.status(Status.STATUS_MARKED_ROLLBACK);
        assertThatThrownBy(() -> query(h, "SELECT 1")).isInstanceOf(SQLTransactionRollbackException.class)
                .hasMessageContaining("marked for rollback");
        registry.status(Status.STATUS_ACTIVE); // the checks follow the thread's status, not a latch
        assertThat(query(h, "SELECT 1")).isEqualTo("1");
        registry.status(Status.STATUS_MARKED_ROLLBACK);
        h.close();
        xa.end(xid, XAResource.TMFAIL);
        xa.rollback(xid);
        assertThat(rows(inside)).isZero();
        assertThat(pool.statistics().active()).isZero();
        mc.destroy();
    }

    /**
     * The handle checks, finds the branch active, and only then does the reaper end and roll it back: the statement
     * reaches PostgreSQL after the rollback. It must run in a transaction nobody commits, not in autocommit.
     */
    @Test
    void aStatementRacingTheReaperNeverCommitsOnItsOwn() throws Exception {
        PgPoolManagedConnection mc = (PgPoolManagedConnection) mcf.createManagedConnection(null, null);
        XAResource xa = mc.getXAResource();
        Xid xid = TestXid.random();
        registry.status(Status.STATUS_ACTIVE);
        xa.start(xid, XAResource.TMNOFLAGS);
        Connection h = (Connection) mc.getConnection(null, null);
        query(h, "SELECT 1");
        String raced = id();
        Statement s = h.createStatement();
        registry.holdNextQuery();
        CompletableFuture<Integer> statement = CompletableFuture.supplyAsync(() -> {
            try {
                return s.executeUpdate("INSERT INTO pgpool_rar_txend VALUES ('" + raced + "')");
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        }, OWN_THREAD);
        registry.awaitHeld(); // the handle's check is under way and saw an active branch
        reaper(xa, xid);
        registry.releaseHeld();
        assertThat(statement.get(10, TimeUnit.SECONDS)).as("the statement ran, after the rollback").isEqualTo(1);
        assertThat(rows(raced)).as("a statement after the branch's rollback is not committed").isZero();

        registry.status(Status.STATUS_NO_TRANSACTION);
        assertThat(query(h, "SELECT count(*) FROM pgpool_rar_txend WHERE id = '" + raced + "'"))
                .as("lifting the fence rolled the stray statement back").isEqualTo("0");
        h.close();
        assertThat(rows(raced)).isZero();
        assertReturnedClean();
        mc.destroy();
    }

    @Test
    void aContainerLocalTransactionRolledBackFromAnotherThreadRefusesTheOpenHandle() throws Exception {
        PgPoolManagedConnection mc = (PgPoolManagedConnection) mcf.createManagedConnection(null, null);
        LocalTransaction local = mc.getLocalTransaction();
        registry.status(Status.STATUS_ACTIVE);
        local.begin();
        Connection h = (Connection) mc.getConnection(null, null);
        String inside = insert(h);
        CompletableFuture.runAsync(() -> {
            try {
                local.rollback(); // WildFly's reaper, through its LocalXAResource
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, OWN_THREAD).get(10, TimeUnit.SECONDS);
        registry.status(Status.STATUS_ROLLEDBACK);
        String after = id();
        assertThatThrownBy(() -> update(h, "INSERT INTO pgpool_rar_txend VALUES ('" + after + "')"))
                .isInstanceOf(SQLTransactionRollbackException.class);
        assertThat(rows(inside, after)).isZero();
        registry.status(Status.STATUS_NO_TRANSACTION);
        String outside = insert(h);
        assertThat(rows(outside)).isEqualTo(1);
        h.close();
        mc.destroy();
    }

    @Test
    void anOpenHandleWorksInTheNextTransactionOnceItIsEnlistedAgain() throws Exception {
        PgPoolManagedConnection mc = (PgPoolManagedConnection) mcf.createManagedConnection(null, null);
        XAResource xa = mc.getXAResource();
        Xid first = TestXid.random();
        registry.status(Status.STATUS_ACTIVE);
        xa.start(first, XAResource.TMNOFLAGS);
        Connection h = (Connection) mc.getConnection(null, null);
        String rolledBack = insert(h);
        xa.end(first, XAResource.TMSUCCESS);
        xa.rollback(first);

        // A new transaction on the thread that has not enlisted this connection: the work would escape it.
        assertThatThrownBy(() -> query(h, "SELECT 1")).isInstanceOf(SQLException.class)
                .hasMessageContaining("has not enlisted it")
                .extracting(e -> ((SQLException) e).getSQLState()).isEqualTo("25000");
        Xid second = TestXid.random();
        xa.start(second, XAResource.TMNOFLAGS);
        String committed = insert(h);
        assertThat(h.getAutoCommit()).isFalse();
        xa.end(second, XAResource.TMSUCCESS);
        xa.commit(second, true);
        assertThat(rows(rolledBack)).isZero();
        assertThat(rows(committed)).isEqualTo(1);
        h.close();
        assertReturnedClean();
        mc.destroy();
    }

    @Test
    void aPreparedBranchRefusesWorkAndTheHandleWorksAfterTheSecondPhase() throws Exception {
        PgPoolManagedConnection mc = (PgPoolManagedConnection) mcf.createManagedConnection(null, null);
        XAResource xa = mc.getXAResource();
        Xid xid = TestXid.random();
        registry.status(Status.STATUS_ACTIVE);
        xa.start(xid, XAResource.TMNOFLAGS);
        Connection h = (Connection) mc.getConnection(null, null);
        String inside = insert(h);
        xa.end(xid, XAResource.TMSUCCESS);
        assertThat(xa.prepare(xid)).isEqualTo(XAResource.XA_OK);
        registry.status(Status.STATUS_COMMITTING);
        assertThatThrownBy(() -> query(h, "SELECT 1")).isInstanceOf(SQLException.class)
                .hasMessageContaining("prepared")
                .extracting(e -> ((SQLException) e).getSQLState()).isEqualTo("25000");
        xa.commit(xid, false);
        assertThat(rows(inside)).isEqualTo(1);
        registry.status(Status.STATUS_NO_TRANSACTION);
        String outside = insert(h);
        assertThat(rows(outside)).isEqualTo(1);
        h.close();
        mc.destroy();
    }

    /** JTA: a connection used outside a transaction is in autocommit, whatever the thread's transaction does. */
    @Test
    void aHandleThatWasNeverEnlistedIsNotAffected() throws Exception {
        PgPoolManagedConnection mc = (PgPoolManagedConnection) mcf.createManagedConnection(null, null);
        Connection h = (Connection) mc.getConnection(null, null);
        registry.status(Status.STATUS_MARKED_ROLLBACK);
        String outside = insert(h);
        assertThat(rows(outside)).isEqualTo(1);
        h.close();
        mc.destroy();
    }

    /**
     * Without a registry pgpool cannot see the thread's transaction: after a commit the handle works on (local mode),
     * after a rollback, which may have been a timeout's, it is refused until closed or enlisted again.
     */
    @Test
    void withoutARegistryAHandleKeptOpenPastARollbackIsRefused() throws Exception {
        ra.stop();
        ra = new PgPoolResourceAdapter();
        ra.start(null);
        mcf = TestDatabase.factory(app);
        mcf.setResourceAdapter(ra);
        PgPoolManagedConnection mc = (PgPoolManagedConnection) mcf.createManagedConnection(null, null);
        XAResource xa = mc.getXAResource();
        Xid committedXid = TestXid.random();
        xa.start(committedXid, XAResource.TMNOFLAGS);
        Connection h = (Connection) mc.getConnection(null, null);
        insert(h);
        xa.end(committedXid, XAResource.TMSUCCESS);
        xa.commit(committedXid, true);
        String afterCommit = insert(h);
        assertThat(rows(afterCommit)).isEqualTo(1);

        Xid rolledBackXid = TestXid.random();
        xa.start(rolledBackXid, XAResource.TMNOFLAGS);
        insert(h);
        reaper(xa, rolledBackXid);
        assertThatThrownBy(() -> query(h, "SELECT 1")).isInstanceOf(SQLTransactionRollbackException.class);
        h.close();
        Connection next = (Connection) mc.getConnection(null, null);
        assertThat(query(next, "SELECT 1")).as("a new handle works").isEqualTo("1");
        next.close();
        mc.destroy();
    }

    /**
     * WildFly with tracking undefined destroys a managed connection whose handle is still open when its transaction
     * ends (IJ000315): the handle then fails, saying who closed it and which setting avoids it.
     */
    @Test
    void aHandleTheServerClosedAtTheTransactionsEndSaysSo() throws Exception {
        PgPoolManagedConnection mc = (PgPoolManagedConnection) mcf.createManagedConnection(null, null);
        XAResource xa = mc.getXAResource();
        Xid xid = TestXid.random();
        registry.status(Status.STATUS_ACTIVE);
        xa.start(xid, XAResource.TMNOFLAGS);
        Connection h = (Connection) mc.getConnection(null, null);
        insert(h);
        xa.end(xid, XAResource.TMSUCCESS);
        xa.commit(xid, true);
        mc.destroy(); // IronJacamar's afterCompletion with the handle still open
        registry.status(Status.STATUS_NO_TRANSACTION);
        assertThatThrownBy(() -> query(h, "SELECT 1")).isInstanceOf(SQLException.class)
                .hasMessageContaining("application server closed this connection handle")
                .hasMessageContaining("tracking=false")
                .extracting(e -> ((SQLException) e).getSQLState()).isEqualTo("08003");
        h.close(); // the application's close afterwards is harmless
        assertThat(pool.statistics().active()).isZero();
    }

    // ---- Helpers -----------------------------------------------------------------------------------------------

    /** What WildFly's reaper does to a timed-out branch, from its own thread. */
    private static void reaper(XAResource xa, Xid xid) throws Exception {
        CompletableFuture.runAsync(() -> {
            try {
                xa.end(xid, XAResource.TMFAIL);
                xa.rollback(xid);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, OWN_THREAD).get(10, TimeUnit.SECONDS);
    }

    /**
     * A thread per task. Not the common pool: on 2 cores JDK 25 gives it one worker, so the reaper queued behind
     * the statement it is to race, which waited for the reaper: the test hung until its timeout.
     */
    private static final java.util.concurrent.Executor OWN_THREAD = task -> {
        Thread t = new Thread(task, "txend-test");
        t.setDaemon(true);
        t.start();
    };

    /** The connection this test used went back to the pool clean: autocommit on, no transaction left open. */
    private void assertReturnedClean() throws Exception {
        assertThat(pool.statistics().active()).isZero();
        PgPoolManagedConnection other = (PgPoolManagedConnection) mcf.createManagedConnection(null, null);
        Connection h = (Connection) other.getConnection(null, null);
        assertThat(h.getAutoCommit()).isTrue();
        String pid = query(h, "SELECT pg_backend_pid()");
        assertThat(TestDatabase.count("SELECT count(*) FROM pg_stat_activity WHERE pid = " + pid
                + " AND state = 'idle'")).as("the backend is idle, not idle in transaction").isEqualTo(1);
        h.close();
        other.destroy();
    }

    private String id() {
        return app + "-" + ROWS.incrementAndGet();
    }

    private String insert(Connection h) throws SQLException {
        String id = id();
        update(h, "INSERT INTO pgpool_rar_txend VALUES ('" + id + "')");
        return id;
    }

    private static long rows(String... ids) throws SQLException {
        long n = 0;
        for (String id : ids) {
            n += TestDatabase.count("SELECT count(*) FROM pgpool_rar_txend WHERE id = ?", id);
        }
        return n;
    }
}
