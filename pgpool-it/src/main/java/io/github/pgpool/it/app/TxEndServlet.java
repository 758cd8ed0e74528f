package io.github.pgpool.it.app;

import jakarta.annotation.Resource;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.transaction.Status;
import jakarta.transaction.UserTransaction;
import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import javax.sql.DataSource;

/**
 * What a connection handle does once its container transaction can no longer commit, through pgpool
 * ({@code ds=xa-a}, XA; {@code ds=local}, LocalTransaction) or through the server's own XA data source on pgjdbc
 * ({@code ds=ref}, the reference). Every step's outcome is answered as {@code <step>=ok}, or
 * {@code <step>=failed} with {@code <step>.exception}, {@code <step>.sqlState} and {@code <step>.message}; the test
 * then reads the table to see which rows became durable.
 *
 * <ul>
 *   <li>{@code /txend/timeout?ds=&tag=} transaction timeout 1 s; insert {@code tag}; wait until the server no longer
 *       reports the transaction active (its timeout handling ran); insert {@code tag-after} and read on the same open
 *       handle; close it; commit. Then, outside any transaction, insert {@code tag-next} through a new handle.</li>
 *   <li>{@code /txend/rollbackOnly?ds=&tag=} insert {@code tag}; setRollbackOnly; insert {@code tag-after} and read on
 *       the same handle; roll back; {@code tag-next} as above.</li>
 *   <li>{@code /txend/acrossRollback?ds=&tag=} a handle opened before {@code begin()} and kept open: insert
 *       {@code tag} in a transaction that is rolled back, insert {@code tag-after} outside any transaction (JTA:
 *       autocommit), insert {@code tag-2} in a second transaction that commits, read, close.</li>
 *   <li>{@code /txend/afterCommit?ds=&tag=} a handle opened inside a transaction and kept open past its commit:
 *       insert {@code tag}, commit, insert {@code tag-after} outside any transaction, close.</li>
 *   <li>{@code /txend/probe?kind=timeout|rollbackOnly} no database: enlists only a {@link CallRecorder} and answers
 *       the XAResource calls the transaction manager made on it, and from which thread, when the timeout expired
 *       or setRollbackOnly was called ({@code calls.during}) and by the end ({@code calls.end}).</li>
 * </ul>
 */
@WebServlet("/txend/*")
public class TxEndServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;
    /** Seconds: the shortest transaction timeout JTA allows to set. */
    private static final int TIMEOUT_SECONDS = 1;
    /** How long to wait for the server's timeout handling; far above the timeout, so only a hang trips it. */
    private static final long REAPER_DEADLINE_NANOS = TimeUnit.SECONDS.toNanos(30);

    @Resource(lookup = Pools.XA_A)
    private DataSource xaA;
    @Resource(lookup = Pools.LOCAL)
    private DataSource local;
    @Resource(lookup = Pools.REFERENCE_XA)
    private DataSource reference;
    @Resource
    private UserTransaction tx;

    /** A step of a flow; its outcome is recorded, never thrown. */
    @FunctionalInterface
    private interface Step {
        void run() throws Exception;
    }

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        Reply reply = new Reply(System.nanoTime());
        String tag = req.getParameter("tag");
        try {
            String action = req.getPathInfo() == null ? "" : req.getPathInfo().substring(1);
            switch (action) {
                case "timeout":
                    timeout(dataSource(req), tag, reply);
                    break;
                case "rollbackOnly":
                    rollbackOnly(dataSource(req), tag, reply);
                    break;
                case "acrossRollback":
                    acrossRollback(dataSource(req), tag, reply);
                    break;
                case "afterCommit":
                    afterCommit(dataSource(req), tag, reply);
                    break;
                case "probe":
                    probe(req.getParameter("kind"), reply);
                    break;
                default:
                    throw new IllegalArgumentException("unknown action " + action);
            }
            reply.put("txStatusAfter", tx.getStatus());
            reply.send(resp);
        } catch (Exception e) {
            reply.fail(resp, e);
        } finally {
            cleanUp();
        }
    }

    private DataSource dataSource(HttpServletRequest req) {
        String ds = req.getParameter("ds");
        switch (ds == null ? "" : ds) {
            case "xa-a":
                return xaA;
            case "local":
                return local;
            case "ref":
                return reference;
            default:
                throw new IllegalArgumentException("unknown ds " + ds + "; known: xa-a, local, ref");
        }
    }

    private void timeout(DataSource ds, String tag, Reply reply) throws Exception {
        tx.setTransactionTimeout(TIMEOUT_SECONDS);
        tx.begin();
        Connection c = ds.getConnection();
        try {
            step(reply, "inside", () -> Sql.insert(c, tag));
            reply.put("statusSeen", awaitTimeoutHandled());
            step(reply, "after", () -> Sql.insert(c, tag + "-after"));
            step(reply, "read", () -> Sql.whoAmI(c));
        } finally {
            step(reply, "close", c::close);
        }
        step(reply, "commit", tx::commit);
        tx.setTransactionTimeout(0);
        next(ds, tag, reply);
    }

    private void rollbackOnly(DataSource ds, String tag, Reply reply) throws Exception {
        tx.begin();
        Connection c = ds.getConnection();
        try {
            step(reply, "inside", () -> Sql.insert(c, tag));
            tx.setRollbackOnly();
            step(reply, "after", () -> Sql.insert(c, tag + "-after"));
            step(reply, "read", () -> Sql.whoAmI(c));
        } finally {
            step(reply, "close", c::close);
        }
        step(reply, "rollback", tx::rollback);
        next(ds, tag, reply);
    }

    private void acrossRollback(DataSource ds, String tag, Reply reply) throws Exception {
        Connection c = ds.getConnection();
        try {
            step(reply, "before", () -> Sql.whoAmI(c));
            tx.begin();
            step(reply, "inside", () -> Sql.insert(c, tag));
            step(reply, "rollback", tx::rollback);
            step(reply, "after", () -> Sql.insert(c, tag + "-after"));
            tx.begin();
            step(reply, "inside2", () -> Sql.insert(c, tag + "-2"));
            step(reply, "commit", tx::commit);
            step(reply, "read", () -> Sql.whoAmI(c));
        } finally {
            step(reply, "close", c::close);
        }
        next(ds, tag, reply);
    }

    private void afterCommit(DataSource ds, String tag, Reply reply) throws Exception {
        tx.begin();
        Connection c = ds.getConnection();
        try {
            step(reply, "inside", () -> Sql.insert(c, tag));
            step(reply, "commit", tx::commit);
            step(reply, "after", () -> Sql.insert(c, tag + "-after"));
        } finally {
            step(reply, "close", c::close);
        }
        next(ds, tag, reply);
    }

    /** Outside any transaction, through a new handle: the pool must serve as usual after the flow. */
    private void next(DataSource ds, String tag, Reply reply) {
        step(reply, "next", () -> {
            try (Connection c = ds.getConnection()) {
                Sql.insert(c, tag + "-next");
            }
        });
    }

    private void probe(String kind, Reply reply) throws Exception {
        CallRecorder recorder = new CallRecorder(Thread.currentThread());
        if ("timeout".equals(kind)) {
            tx.setTransactionTimeout(TIMEOUT_SECONDS);
        } else if (!"rollbackOnly".equals(kind)) {
            throw new IllegalArgumentException("unknown kind " + kind + "; known: timeout, rollbackOnly");
        }
        tx.begin();
        ServerTx.transactionManager().getTransaction().enlistResource(recorder);
        if ("timeout".equals(kind)) {
            reply.put("statusSeen", awaitTimeoutHandled());
        } else {
            tx.setRollbackOnly();
            reply.put("statusSeen", tx.getStatus());
        }
        reply.put("calls.during", recorder.calls());
        step(reply, "end", tx::rollback);
        tx.setTransactionTimeout(0);
        reply.put("calls.end", recorder.calls());
    }

    /**
     * Waits, with a deadline, until the server no longer reports the current transaction as active or rolling
     * back, that is until its timeout handling has run.
     *
     * @return the status then (a jakarta.transaction.Status constant)
     */
    private int awaitTimeoutHandled() throws Exception {
        long deadline = System.nanoTime() + REAPER_DEADLINE_NANOS;
        int status = tx.getStatus();
        while ((status == Status.STATUS_ACTIVE || status == Status.STATUS_ROLLING_BACK)
                && System.nanoTime() - deadline < 0) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
            status = tx.getStatus();
        }
        return status;
    }

    /** Runs a step and records how it ended. */
    private static void step(Reply reply, String name, Step step) {
        try {
            step.run();
            reply.put(name, "ok");
        } catch (Exception e) {
            reply.put(name, "failed");
            reply.put(name + ".exception", e.getClass().getName());
            SQLException sql = firstSqlException(e);
            reply.put(name + ".sqlState", sql == null ? "none" : String.valueOf(sql.getSQLState()));
            reply.put(name + ".message", e.getMessage());
        }
    }

    private static SQLException firstSqlException(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException) {
                return (SQLException) t;
            }
        }
        return null;
    }

    /** Leaves the thread as it found it, whatever a flow did. */
    private void cleanUp() {
        try {
            if (tx.getStatus() != Status.STATUS_NO_TRANSACTION) {
                tx.rollback();
            }
        } catch (Exception ignored) {
            // The thread's transaction is gone either way.
        }
        try {
            tx.setTransactionTimeout(0);
        } catch (Exception ignored) {
            // Only a default was restored.
        }
    }
}
