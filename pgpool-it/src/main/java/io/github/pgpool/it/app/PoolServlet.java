package io.github.pgpool.it.app;

import jakarta.annotation.Resource;
import jakarta.ejb.EJB;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.sql.Connection;
import java.util.Map;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import javax.sql.DataSource;

/**
 * Plain (non-transactional) use of the injected pgpool data sources, plus the EJB-backed variants. Each request
 * names the pool with {@code ds=basic|fresh|wait|expire|xa-a|xa-b|local|restart|link|leak|defaults}.
 *
 * <ul>
 *   <li>{@code /pool/query?ds=} one query, answers {@code who=database/pid}</li>
 *   <li>{@code /pool/sleep?ds=&ms=} holds a connection for a server-side pg_sleep (burst traffic)</li>
 *   <li>{@code /pool/hold?ds=&gate=} holds a connection until {@code /pool/open?gate=} is called</li>
 *   <li>{@code /pool/ejb-query} the same query through a stateless EJB with its own injection</li>
 *   <li>{@code /pool/leak?ds=} takes a connection, uses it and never closes it: an application leak</li>
 *   <li>{@code /pool/stats?name=} a pool's MXBean attributes ({@code io.github.pgpool:type=Pool,name="..."}) as the
 *       server's platform MBean server shows them</li>
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
    @Resource(lookup = Pools.LEAK)
    private DataSource leak;
    @Resource(lookup = Pools.DEFAULTS)
    private DataSource defaults;

    @EJB
    private PoolBean bean;

    DataSource byName(String name) {
        Map<String, DataSource> all = Map.ofEntries(Map.entry("basic", basic), Map.entry("fresh", fresh),
                Map.entry("wait", waitPool), Map.entry("expire", expire), Map.entry("xa-a", xaA),
                Map.entry("xa-b", xaB), Map.entry("local", local), Map.entry("restart", restart),
                Map.entry("link", link), Map.entry("leak", leak), Map.entry("defaults", defaults));
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
                case "leak":
                    // Deliberately not closed and not kept: the request ends with the connection still borrowed.
                    reply.put("who", Sql.whoAmI(byName(req.getParameter("ds")).getConnection()));
                    break;
                case "stats":
                    MBeanServer mbeans = ManagementFactory.getPlatformMBeanServer();
                    ObjectName name = new ObjectName("io.github.pgpool:type=Pool,name="
                            + ObjectName.quote(req.getParameter("name")));
                    boolean registered = mbeans.isRegistered(name);
                    reply.put("registered", registered);
                    if (registered) {
                        for (String attribute : new String[] {"Leaks", "Active", "Idle", "Total", "Borrows"}) {
                            reply.put(attribute, mbeans.getAttribute(name, attribute));
                        }
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
