package io.github.pgpool.it.app;

import jakarta.annotation.Resource;
import jakarta.ejb.EJB;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.transaction.Status;
import jakarta.transaction.UserTransaction;
import java.io.IOException;
import java.sql.Connection;
import javax.sql.DataSource;

/**
 * Bean-managed (UserTransaction) and container-managed transactions over pgpool resources.
 *
 * <ul>
 *   <li>{@code /tx/two?tag=&outcome=commit|rollback[&gate=]} one row into each of the two XA databases; with a
 *       gate, the commit stops after the pgpool branches are prepared until the test opens the gate</li>
 *   <li>{@code /tx/held?tag=&gate=} inserts, closes the handle, waits for the gate inside the still open transaction,
 *       inserts again through a new handle, commits: shows that the backend stays with the transaction</li>
 *   <li>{@code /tx/local?tag=&outcome=} the same with the LocalTransaction pool</li>
 *   <li>{@code /tx/cmt?tag=&outcome=commit|rollbackOnly} through the EJB's container-managed transaction</li>
 *   <li>{@code /tx/pair?id=} rows {@code id} and {@code -id}, in two statements of one transaction, into the restart
 *       pool's database; answers {@code committed=id} only when commit returned</li>
 * </ul>
 */
@WebServlet("/tx/*")
public class TxServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    @Resource(lookup = Pools.XA_A)
    private DataSource xaA;
    @Resource(lookup = Pools.XA_B)
    private DataSource xaB;
    @Resource(lookup = Pools.LOCAL)
    private DataSource local;
    @Resource(lookup = Pools.RESTART)
    private DataSource restart;
    @Resource
    private UserTransaction tx;
    @EJB
    private PoolBean bean;

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        Reply reply = new Reply(System.nanoTime());
        String tag = req.getParameter("tag");
        String outcome = req.getParameter("outcome");
        try {
            String action = req.getPathInfo() == null ? "" : req.getPathInfo().substring(1);
            switch (action) {
                case "two":
                    inTransaction(outcome, () -> {
                        try (Connection c = xaA.getConnection()) {
                            reply.put("a", Sql.insert(c, tag));
                        }
                        try (Connection c = xaB.getConnection()) {
                            reply.put("b", Sql.insert(c, tag));
                        }
                        if (req.getParameter("gate") != null) {
                            ServerTx.transactionManager().getTransaction()
                                    .enlistResource(new ServerTx.Recorder(req.getParameter("gate")));
                        }
                    });
                    break;
                case "held":
                    inTransaction(outcome == null ? "commit" : outcome, () -> {
                        try (Connection c = xaA.getConnection()) {
                            reply.put("first", Sql.insert(c, tag));
                        }
                        Gates.await(req.getParameter("gate"));
                        try (Connection c = xaA.getConnection()) {
                            reply.put("second", Sql.insert(c, tag + "-2"));
                        }
                    });
                    break;
                case "local":
                    inTransaction(outcome, () -> {
                        try (Connection c = local.getConnection()) {
                            reply.put("local", Sql.insert(c, tag));
                        }
                    });
                    break;
                case "pair":
                    pair(Long.parseLong(req.getParameter("id")), reply);
                    break;
                case "cmt":
                    if ("rollbackOnly".equals(outcome)) {
                        reply.put("who", bean.insertBothThenRollbackOnly(tag));
                    } else {
                        reply.put("who", bean.insertBoth(tag));
                    }
                    break;
                default:
                    throw new IllegalArgumentException("unknown action " + action);
            }
            reply.put("txStatusAfter", tx.getStatus());
            reply.send(resp);
        } catch (Exception e) {
            reply.fail(resp, e);
        }
    }

    /**
     * Two inserts in one transaction; any failure rolls it back (if the server has not already), so the test may
     * find both rows or neither, and must find both whenever this answered {@code committed}.
     */
    private void pair(long id, Reply reply) throws Exception {
        tx.begin();
        try {
            try (Connection c = restart.getConnection()) {
                Sql.insert(c, Long.toString(id));
                reply.put("who", Sql.insert(c, Long.toString(-id)));
            }
            tx.commit();
        } catch (Exception e) {
            try {
                if (tx.getStatus() != Status.STATUS_NO_TRANSACTION) {
                    tx.rollback();
                }
            } catch (Exception rollback) {
                e.addSuppressed(rollback);
            }
            throw e;
        }
        reply.put("committed", id);
    }

    /** Work done inside a user transaction. */
    @FunctionalInterface
    private interface Work {
        void run() throws Exception;
    }

    /**
     * Runs {@code work} in a user transaction and commits it only if the work finished and {@code outcome} asks for
     * it; otherwise, and always after an exception, the transaction is rolled back.
     */
    private void inTransaction(String outcome, Work work) throws Exception {
        tx.begin();
        boolean finished = false;
        try {
            work.run();
            finished = true;
        } finally {
            if (finished && tx.getStatus() == Status.STATUS_ACTIVE && "commit".equals(outcome)) {
                tx.commit();
            } else if (tx.getStatus() != Status.STATUS_NO_TRANSACTION) {
                tx.rollback();
            }
        }
    }
}
