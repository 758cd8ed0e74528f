package io.github.pgpool.it.app;

import jakarta.annotation.Resource;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.transaction.UserTransaction;
import java.io.IOException;
import java.sql.Connection;
import javax.sql.DataSource;

/**
 * {@code /crash/two?tag=&gate=&at=prepare|commit}: one row into each of the two XA databases in one UserTransaction,
 * and a third resource that holds the transaction at the named point until the gate opens, which in a crash test it
 * never does: the test kills the server while the request waits.
 *
 * <ul>
 *   <li>{@code at=prepare}: the holding resource is enlisted last, so both pgpool branches are prepared and the
 *       transaction manager has decided nothing yet; after the crash, recovery must roll both back (presumed
 *       abort).</li>
 *   <li>{@code at=commit}: the holding resource is enlisted first, so every branch is prepared, the decision to
 *       commit is logged, and phase two stops at the first resource, before the pgpool branches; after the crash,
 *       recovery must commit both.</li>
 * </ul>
 *
 * {@code /crash/origin} tells where the server loaded the adapter and the PostgreSQL driver it uses from, and the
 * driver's version (a server may have a pgjdbc of its own next to the one inside pgpool.rar).
 *
 * <p>Part of the crash test's own small WAR, which holds only the two XA pools.
 */
@WebServlet("/crash/*")
public class CrashServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    @Resource(lookup = Pools.XA_A)
    private DataSource xaA;
    @Resource(lookup = Pools.XA_B)
    private DataSource xaB;
    @Resource
    private UserTransaction tx;

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        Reply reply = new Reply(System.nanoTime());
        String tag = req.getParameter("tag");
        String gate = req.getParameter("gate");
        boolean atCommit = "commit".equals(req.getParameter("at"));
        try {
            if ("/origin".equals(req.getPathInfo())) {
                reply.put("dataSourceFrom", xaA.getClass().getProtectionDomain().getCodeSource().getLocation());
                try (Connection c = xaA.getConnection()) {
                    Connection raw = c.unwrap(Connection.class);
                    reply.put("driverFrom", Class.forName("org.postgresql.Driver", false,
                            raw.getClass().getClassLoader()).getProtectionDomain().getCodeSource().getLocation());
                    reply.put("driverVersion", raw.getMetaData().getDriverVersion());
                }
                reply.send(resp);
                return;
            }
            if (tag == null || gate == null || !("prepare".equals(req.getParameter("at")) || atCommit)) {
                throw new IllegalArgumentException("usage: /crash/two?tag=T&gate=G&at=prepare|commit");
            }
            tx.begin();
            try {
                ServerTx.Recorder holder = new ServerTx.Recorder(gate, atCommit);
                if (atCommit) {
                    ServerTx.transactionManager().getTransaction().enlistResource(holder);
                }
                try (Connection c = xaA.getConnection()) {
                    reply.put("a", Sql.insert(c, tag));
                }
                try (Connection c = xaB.getConnection()) {
                    reply.put("b", Sql.insert(c, tag));
                }
                if (!atCommit) {
                    ServerTx.transactionManager().getTransaction().enlistResource(holder);
                }
            } catch (Exception e) {
                tx.rollback();
                throw e;
            }
            tx.commit();
            reply.send(resp);
        } catch (Exception e) {
            reply.fail(resp, e);
        }
    }
}
