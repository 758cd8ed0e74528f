package io.github.pgpool.it.app;

import jakarta.annotation.Resource;
import jakarta.ejb.EJB;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.sql.Connection;
import java.util.Map;
import javax.sql.DataSource;

/**
 * Plain (non-transactional) use of the injected pgpool data sources, plus the EJB-backed variants. Each request
 * names the pool with {@code ds=basic|fresh|wait|expire|xa-a|xa-b|local|restart|link}.
 *
 * <ul>
 *   <li>{@code /pool/query?ds=} one query, answers {@code who=database/pid}</li>
 *   <li>{@code /pool/sleep?ds=&ms=} holds a connection for a server-side pg_sleep (burst traffic)</li>
 *   <li>{@code /pool/hold?ds=&gate=} holds a connection until {@code /pool/open?gate=} is called</li>
 *   <li>{@code /pool/ejb-query} the same query through a stateless EJB with its own injection</li>
 *   <li>{@code /pool/origin?ds=} where the adapter's and the driver's classes were loaded from</li>
 * </ul>
 */
@WebServlet("/pool/*")
public class PoolServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    @Resource(lookup = Pools.BASIC)
    private DataSource basic;
    @Resource(lookup = Pools.FRESH)
    private DataSource fresh;
    @Resource(lookup = Pools.WAIT)
    private DataSource waitPool;
    @Resource(lookup = Pools.EXPIRE)
    private DataSource expire;
    @Resource(lookup = Pools.XA_A)
    private DataSource xaA;
    @Resource(lookup = Pools.XA_B)
    private DataSource xaB;
    @Resource(lookup = Pools.LOCAL)
    private DataSource local;
    @Resource(lookup = Pools.RESTART)
    private DataSource restart;
    @Resource(lookup = Pools.LINK)
    private DataSource link;

    @EJB
    private PoolBean bean;

    DataSource byName(String name) {
        Map<String, DataSource> all = Map.of("basic", basic, "fresh", fresh, "wait", waitPool, "expire", expire,
                "xa-a", xaA, "xa-b", xaB, "local", local, "restart", restart, "link", link);
        DataSource ds = all.get(name);
        if (ds == null) {
            throw new IllegalArgumentException("unknown pool " + name + "; known: " + all.keySet());
        }
        return ds;
    }

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        Reply reply = new Reply(System.nanoTime());
        try {
            String action = req.getPathInfo() == null ? "" : req.getPathInfo().substring(1);
            switch (action) {
                case "query":
                    try (Connection c = byName(req.getParameter("ds")).getConnection()) {
                        reply.put("who", Sql.whoAmI(c));
                    }
                    break;
                case "sleep":
                    try (Connection c = byName(req.getParameter("ds")).getConnection()) {
                        reply.put("pid", Sql.sleep(c, Long.parseLong(req.getParameter("ms"))));
                    }
                    break;
                case "hold":
                    try (Connection c = byName(req.getParameter("ds")).getConnection()) {
                        reply.put("who", Sql.whoAmI(c));
                        Gates.await(req.getParameter("gate"));
                        // Use the connection again after the wait: it must still be the same live backend.
                        reply.put("whoAfter", Sql.whoAmI(c));
                    }
                    break;
                case "open":
                    Gates.open(req.getParameter("gate"));
                    reply.put("opened", req.getParameter("gate"));
                    break;
                case "origin":
                    // Where the server loaded the adapter and its driver from: must be the deployed pgpool.rar.
                    DataSource ds = byName(req.getParameter("ds"));
                    reply.put("dataSourceClass", ds.getClass().getName());
                    reply.put("dataSourceFrom", ds.getClass().getProtectionDomain().getCodeSource().getLocation());
                    try (Connection c = ds.getConnection()) {
                        Connection raw = c.unwrap(Connection.class);
                        reply.put("driverFrom", Class.forName("org.postgresql.Driver", false,
                                raw.getClass().getClassLoader()).getProtectionDomain().getCodeSource().getLocation());
                    }
                    break;
                case "ejb-query":
                    reply.put("who", bean.queryBasic());
                    break;
                default:
                    throw new IllegalArgumentException("unknown action " + action);
            }
            reply.send(resp);
        } catch (Exception e) {
            reply.fail(resp, e);
        }
    }
}
