package io.github.pgpool.jca;

import static io.github.pgpool.jca.ManagedConnectionContractTest.query;
import static io.github.pgpool.jca.ManagedConnectionContractTest.update;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.pgpool.core.PgPool;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import javax.transaction.xa.XAException;
import javax.transaction.xa.XAResource;
import javax.transaction.xa.Xid;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;

/**
 * The XA facade on the real database: branches run on the leased connection, the lease is held from start until
 * the branch is committed or rolled back, and recovery works from any managed connection. Needs
 * {@code max_prepared_transactions > 0} (the project's CI sets 64).
 */
class XaFacadeTest {
    private PgPoolResourceAdapter ra;
    private String app;
    private PgPoolManagedConnectionFactory mcf;
    private PgPool pool;

    @BeforeAll
    static void prepareDatabase() throws SQLException {
        assertThat(TestDatabase.count("SELECT current_setting('max_prepared_transactions')::int"))
                .as("PostgreSQL must allow prepared transactions: ALTER SYSTEM SET max_prepared_transactions = 64 "
                        + "and restart")
                .isPositive();
        TestDatabase.execute("CREATE TABLE IF NOT EXISTS pgpool_rar_xa (id text PRIMARY KEY)");
        // Leftovers of an interrupted earlier run hold locks: roll back this suite's own prepared branches.
        List<String> gids = new ArrayList<>();
        try (Connection c = TestDatabase.direct(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT gid FROM pg_prepared_xacts WHERE gid LIKE '"
                        + TestXid.FORMAT_ID + "\\_%'")) {
            while (rs.next()) {
                gids.add(rs.getString(1));
            }
        }
        for (String gid : gids) {
            TestDatabase.execute("ROLLBACK PREPARED '" + gid + "'");
        }
    }

    @BeforeEach
    void setUp() throws Exception {
        ra = new PgPoolResourceAdapter();
        // The server's registry as it answers on a thread whose transaction is over (these tests play the
        // transaction manager themselves; TransactionEndTest varies the status).
        ra.start(new FakeTransactionRegistry().bootstrapContext());
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
    void twoPhaseCommitRunsOnTheLeasedConnectionAndGivesItBackAfterwards() throws Exception {
        PgPoolManagedConnection mc = (PgPoolManagedConnection) mcf.createManagedConnection(null, null);
        XAResource xa = mc.getXAResource();
        assertThat(mc.getXAResource()).isSameAs(xa);
        Xid xid = TestXid.random();

        xa.start(xid, XAResource.TMNOFLAGS);
        assertThat(pool.statistics().active()).isEqualTo(1); // start leased
        Connection h = (Connection) mc.getConnection(null, null);
        update(h, "INSERT INTO pgpool_rar_xa VALUES ('" + app + "')");
        h.close();
        mc.cleanup(); // as Payara does on close: the branch is pending, so the lease stays
        assertThat(pool.statistics().active()).isEqualTo(1);

        xa.end(xid, XAResource.TMSUCCESS);
        assertThat(xa.prepare(xid)).isEqualTo(XAResource.XA_OK);
        assertThat(rows()).isZero(); // prepared, not committed
        assertThat(preparedBranches()).isEqualTo(1);
        assertThat(pool.statistics().active()).isEqualTo(1);

        xa.commit(xid, false);
        assertThat(rows()).isEqualTo(1);
        assertThat(preparedBranches()).isZero();
        assertThat(pool.statistics().active()).isZero(); // no handle open: given back at once
        mc.destroy();
    }

    @Test
    void onePhaseCommitWithAHandleStillOpenKeepsTheLeaseUntilCleanup() throws Exception {
        PgPoolManagedConnection mc = (PgPoolManagedConnection) mcf.createManagedConnection(null, null);
        XAResource xa = mc.getXAResource();
        Xid xid = TestXid.random();
        xa.start(xid, XAResource.TMNOFLAGS);
        Connection h = (Connection) mc.getConnection(null, null);
        update(h, "INSERT INTO pgpool_rar_xa VALUES ('" + app + "')");
        xa.end(xid, XAResource.TMSUCCESS);
        xa.commit(xid, true);
        assertThat(rows()).isEqualTo(1);
        assertThat(pool.statistics().active()).isEqualTo(1); // WildFly: cleanup comes after commit
        assertThat(h.getAutoCommit()).isTrue(); // back to local mode
        mc.cleanup();
        assertThat(pool.statistics().active()).isZero();
        assertThat(h.isClosed()).isTrue();
        mc.destroy();
    }

    @Test
    void rollbackUndoesTheBranchAndGivesTheLeaseBack() throws Exception {
        PgPoolManagedConnection mc = (PgPoolManagedConnection) mcf.createManagedConnection(null, null);
        XAResource xa = mc.getXAResource();
        Xid xid = TestXid.random();
        xa.start(xid, XAResource.TMNOFLAGS);
        Connection h = (Connection) mc.getConnection(null, null);
        update(h, "INSERT INTO pgpool_rar_xa VALUES ('" + app + "')");
        h.close();
        xa.end(xid, XAResource.TMFAIL);
        xa.rollback(xid);
        assertThat(rows()).isZero();
        assertThat(pool.statistics().active()).isZero();

        // A prepared branch rolls back as well.
        Xid second = TestXid.random();
        xa.start(second, XAResource.TMNOFLAGS);
        Connection h2 = (Connection) mc.getConnection(null, null);
        update(h2, "INSERT INTO pgpool_rar_xa VALUES ('" + app + "')");
        h2.close();
        xa.end(second, XAResource.TMSUCCESS);
        xa.prepare(second);
        xa.rollback(second);
        assertThat(rows()).isZero();
        assertThat(preparedBranches()).isZero();
        assertThat(pool.statistics().active()).isZero();
        mc.destroy();
    }

    @Test
    void insideABranchTheHandleRefusesLocalTransactionControl() throws Exception {
        PgPoolManagedConnection mc = (PgPoolManagedConnection) mcf.createManagedConnection(null, null);
        XAResource xa = mc.getXAResource();
        Xid xid = TestXid.random();
        xa.start(xid, XAResource.TMNOFLAGS);
        Connection h = (Connection) mc.getConnection(null, null);
        for (ThrowingCall call : List.<ThrowingCall>of(h::commit, h::rollback, () -> h.setAutoCommit(true),
                h::setSavepoint, () -> h.setSavepoint("s"))) {
            assertThatThrownBy(call::run).isInstanceOf(SQLException.class)
                    .hasMessageContaining("transaction managed by the application server")
                    .extracting(e -> ((SQLException) e).getSQLState()).isEqualTo("25000");
        }
        h.setAutoCommit(false); // harmless: the branch already runs without autocommit
        assertThat(h.getAutoCommit()).isFalse();
        xa.end(xid, XAResource.TMSUCCESS);
        xa.rollback(xid);

        h.setAutoCommit(false); // after the branch, the application may demarcate again
        h.commit();
        h.setAutoCommit(true);
        h.close();
        mc.destroy();
    }

    @Test
    void recoverListsAPreparedBranchAndAnyManagedConnectionResolvesItByXid() throws Exception {
        Xid rolledBack = prepareAndAbandon("rb");
        Xid committed = prepareAndAbandon("c");
        assertThat(pool.statistics().active()).isZero(); // destroy gave the leases back; the branches live on

        PgPoolManagedConnection recovery = (PgPoolManagedConnection) mcf.createManagedConnection(null, null);
        XAResource xa = recovery.getXAResource();
        Xid[] found = xa.recover(XAResource.TMSTARTRSCAN | XAResource.TMENDRSCAN);
        assertThat(found).contains(rolledBack, committed);
        assertThat(pool.statistics().active()).isZero(); // leased just for the call

        xa.rollback(rolledBack);
        xa.commit(committed, false);
        assertThat(TestDatabase.count("SELECT count(*) FROM pgpool_rar_xa WHERE id = ?", app + "-rb")).isZero();
        assertThat(TestDatabase.count("SELECT count(*) FROM pgpool_rar_xa WHERE id = ?", app + "-c")).isEqualTo(1);
        assertThat(preparedBranches()).isZero();
        assertThat(xa.recover(XAResource.TMSTARTRSCAN)).doesNotContain(rolledBack, committed);
        assertThat(xa.recover(XAResource.TMENDRSCAN)).isEmpty();
        assertThat(pool.statistics().active()).isZero();

        XAException unknown = org.assertj.core.api.Assertions.catchThrowableOfType(XAException.class,
                () -> xa.rollback(rolledBack));
        assertThat(unknown.errorCode).isEqualTo(XAException.XAER_NOTA);
        recovery.destroy();
    }

    @Test
    void destroyingAManagedConnectionMidBranchRollsBackAndLeavesThePhysicalConnectionReusableForXa()
            throws Exception {
        mcf.setMaxSize("1"); // so the next lease gets the very same physical connection
        pool = mcf.pool();
        PgPoolManagedConnection mc = (PgPoolManagedConnection) mcf.createManagedConnection(null, null);
        XAResource xa = mc.getXAResource();
        Xid xid = TestXid.random();
        xa.start(xid, XAResource.TMNOFLAGS);
        Connection h = (Connection) mc.getConnection(null, null);
        int pid = h.unwrap(PGConnection.class).getBackendPID();
        update(h, "INSERT INTO pgpool_rar_xa VALUES ('" + app + "')");
        h.close();
        mc.destroy(); // the branch is still active, for example because the transaction timed out
        assertThat(pool.statistics().active()).isZero();
        assertThat(pool.statistics().closedBroken()).isZero();
        assertThat(rows()).isZero();
        // The transaction manager learns the branch is gone (rolled back) when it completes it.
        XAException rb = org.assertj.core.api.Assertions.catchThrowableOfType(XAException.class,
                () -> xa.commit(xid, true));
        assertThat(rb.errorCode).isEqualTo(XAException.XA_RBROLLBACK);

        PgPoolManagedConnection next = (PgPoolManagedConnection) mcf.createManagedConnection(null, null);
        XAResource xa2 = next.getXAResource();
        Xid xid2 = TestXid.random();
        xa2.start(xid2, XAResource.TMNOFLAGS);
        Connection h2 = (Connection) next.getConnection(null, null);
        assertThat(h2.unwrap(PGConnection.class).getBackendPID()).isEqualTo(pid);
        update(h2, "INSERT INTO pgpool_rar_xa VALUES ('" + app + "')");
        xa2.end(xid2, XAResource.TMSUCCESS);
        xa2.commit(xid2, true);
        assertThat(rows()).isEqualTo(1);
        next.destroy();
    }

    @Test
    void aReadOnlyBranchVotesReadOnlyLeavesNoPreparedTransactionAndGivesTheLeaseBack() throws Exception {
        PgPoolManagedConnection mc = (PgPoolManagedConnection) mcf.createManagedConnection(null, null);
        Connection h = (Connection) mc.getConnection(null, null);
        h.setReadOnly(true);
        XAResource xa = mc.getXAResource();
        Xid xid = TestXid.random();
        xa.start(xid, XAResource.TMNOFLAGS);
        assertThat(query(h, "SELECT 1")).isEqualTo("1");
        h.close();
        xa.end(xid, XAResource.TMSUCCESS);
        assertThat(xa.prepare(xid)).isEqualTo(XAResource.XA_RDONLY);
        // The transaction manager will call neither commit nor rollback now.
        assertThat(preparedBranches()).isZero();
        assertThat(pool.statistics().active()).isZero();
        mc.destroy();
    }

    @Test
    void isSameRmOnlyForTheSameFacadeAndNoTransactionTimeout() throws Exception {
        XAResource a = mcf.createManagedConnection(null, null).getXAResource();
        XAResource b = mcf.createManagedConnection(null, null).getXAResource();
        assertThat(a.isSameRM(a)).isTrue();
        assertThat(a.isSameRM(b)).isFalse();
        assertThat(a.setTransactionTimeout(30)).isFalse();
        assertThat(a.getTransactionTimeout()).isZero();
        assertThat(pool.statistics().total()).isZero(); // none of this leased anything
    }

    @Test
    void aPoolTimeoutAtStartIsAnXaExceptionCarryingPgpoolsException() throws Exception {
        mcf.setMaxSize("1");
        mcf.setMaxWait("1s"); // long enough for opening the first connection on a busy machine
        pool = mcf.pool();
        PgPoolManagedConnection holder = (PgPoolManagedConnection) mcf.createManagedConnection(null, null);
        Connection held = (Connection) holder.getConnection(null, null);
        query(held, "SELECT 1");
        XAResource xa = mcf.createManagedConnection(null, null).getXAResource();
        XAException e = org.assertj.core.api.Assertions.catchThrowableOfType(XAException.class,
                () -> xa.start(TestXid.random(), XAResource.TMNOFLAGS));
        assertThat(e.errorCode).isEqualTo(XAException.XAER_RMFAIL);
        assertThat(e.getCause()).isInstanceOf(io.github.pgpool.api.PoolTimeoutException.class);
        held.close();
        holder.destroy();
    }

    /** Starts, prepares and abandons (destroys the managed connection of) a branch inserting {@code app-suffix}. */
    private Xid prepareAndAbandon(String suffix) throws Exception {
        PgPoolManagedConnection mc = (PgPoolManagedConnection) mcf.createManagedConnection(null, null);
        XAResource xa = mc.getXAResource();
        Xid xid = TestXid.random();
        xa.start(xid, XAResource.TMNOFLAGS);
        Connection h = (Connection) mc.getConnection(null, null);
        update(h, "INSERT INTO pgpool_rar_xa VALUES ('" + app + "-" + suffix + "')");
        xa.end(xid, XAResource.TMSUCCESS);
        xa.prepare(xid);
        mc.destroy();
        return xid;
    }

    private long rows() throws SQLException {
        return TestDatabase.count("SELECT count(*) FROM pgpool_rar_xa WHERE id = ?", app);
    }

    private static long preparedBranches() throws SQLException {
        return TestDatabase.count("SELECT count(*) FROM pg_prepared_xacts WHERE gid LIKE ?",
                TestXid.FORMAT_ID + "\\_%");
    }

    @FunctionalInterface
    private interface ThrowingCall {
        void run() throws Exception;
    }
}
