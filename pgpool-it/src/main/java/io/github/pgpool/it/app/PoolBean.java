package io.github.pgpool.it.app;

import jakarta.annotation.Resource;
import jakarta.ejb.SessionContext;
import jakarta.ejb.Stateless;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;

/**
 * The EJB side: its own {@code @Resource} injections (EJB and web components have separate naming environments) and
 * container-managed transactions over pgpool's XA resources.
 */
@Stateless
public class PoolBean {
    @Resource(lookup = Pools.BASIC)
    private DataSource basic;
    @Resource(lookup = Pools.XA_A)
    private DataSource xaA;
    @Resource(lookup = Pools.XA_B)
    private DataSource xaB;
    @Resource
    private SessionContext context;

    @TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
    public String queryBasic() throws SQLException {
        try (Connection c = basic.getConnection()) {
            return Sql.whoAmI(c);
        }
    }

    /** Container-managed transaction over both databases; the container commits (two-phase) on return. */
    @TransactionAttribute(TransactionAttributeType.REQUIRED)
    public String insertBoth(String tag) throws SQLException {
        String a;
        String b;
        try (Connection c = xaA.getConnection()) {
            a = Sql.insert(c, tag);
        }
        try (Connection c = xaB.getConnection()) {
            b = Sql.insert(c, tag);
        }
        return a + "," + b;
    }

    /** Does the same work, then marks the transaction rollback-only: nothing may reach either database. */
    @TransactionAttribute(TransactionAttributeType.REQUIRED)
    public String insertBothThenRollbackOnly(String tag) throws SQLException {
        String who = insertBoth(tag);
        context.setRollbackOnly();
        return who;
    }
}
