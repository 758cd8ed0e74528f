package io.github.pgpool.it.app;

import jakarta.annotation.Resource;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.transaction.UserTransaction;
import java.io.IOException;
import java.util.HexFormat;
import javax.transaction.xa.Xid;

/**
 * {@code /recovery/xid}: the server's transaction manager starts a transaction, enlists a resource that only records
 * the Xid it is given, and rolls back. The test uses that Xid, which carries this server's node name and refers to a
 * transaction the server has no log of, to leave a prepared branch in PostgreSQL exactly as a crash between prepare
 * and commit would; the server's recovery, going through pgpool's XAResource, must then find it and roll it back.
 */
@WebServlet("/recovery/*")
public class RecoveryServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    @Resource
    private UserTransaction tx;

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        Reply reply = new Reply(System.nanoTime());
        try {
            ServerTx.Recorder recorder = new ServerTx.Recorder(null);
            tx.begin();
            try {
                ServerTx.transactionManager().getTransaction().enlistResource(recorder);
            } finally {
                tx.rollback();
            }
            Xid xid = recorder.xid;
            if (xid == null) {
                throw new IllegalStateException("the transaction manager did not start the enlisted resource");
            }
            HexFormat hex = HexFormat.of();
            reply.put("formatId", xid.getFormatId());
            reply.put("gtrid", hex.formatHex(xid.getGlobalTransactionId()));
            reply.put("bqual", hex.formatHex(xid.getBranchQualifier()));
            reply.send(resp);
        } catch (Exception e) {
            reply.fail(resp, e);
        }
    }
}
