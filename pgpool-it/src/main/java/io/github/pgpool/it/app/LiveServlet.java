package io.github.pgpool.it.app;

import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.sql.Connection;
import java.util.concurrent.ConcurrentHashMap;
import javax.management.ObjectName;
import javax.naming.InitialContext;
import javax.naming.NamingException;
import javax.sql.DataSource;

/**
 * Uses a pool that the server's administrator made (and changes) while the application runs: the live-change
 * scenarios create such a pool with the server's admin tools, change its settings, and keep requests running through
 * it. The data source is looked up by its JNDI name once and kept, as {@code @Resource} injection keeps it: a lookup
 * at each request would also test the server's naming, which Payara unbinds for a moment while it re-creates a pool
 * for a changed property ("This pool is not bound in JNDI").
 * <ul>
 *   <li>{@code /live/query?jndi=} one query, answers {@code who=database/pid} and {@code user}</li>
 *   <li>{@code /live/sleep?jndi=&ms=} holds a connection for a server-side pg_sleep (burst traffic)</li>
 *   <li>{@code /live/change?pool=&name=&value=} what an administrator's JMX client (jconsole) does: calls
 *       {@code changeSetting} on the pool's MXBean, {@code io.github.pgpool:type=Pool,name="<PoolName>"}</li>
 * </ul>
 */
@WebServlet("/live/*")
public class LiveServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;
    /** Per servlet instance: a redeployment or a server reload starts afresh, as injection would. */
    private final transient ConcurrentHashMap<String, DataSource> dataSources = new ConcurrentHashMap<>();

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        Reply reply = new Reply(System.nanoTime());
        try {
            String action = req.getPathInfo() == null ? "" : req.getPathInfo().substring(1);
            if (action.equals("change")) {
                ObjectName bean = new ObjectName("io.github.pgpool:type=Pool,name="
                        + ObjectName.quote(req.getParameter("pool")));
                ManagementFactory.getPlatformMBeanServer().invoke(bean, "changeSetting",
                        new Object[] {req.getParameter("name"), req.getParameter("value")},
                        new String[] {String.class.getName(), String.class.getName()});
                reply.send(resp);
                return;
            }
            DataSource ds = dataSource(req.getParameter("jndi"));
            try (Connection c = ds.getConnection()) {
                switch (action) {
                    case "query":
                        reply.put("who", Sql.whoAmI(c));
                        reply.put("user", c.getMetaData().getUserName());
                        break;
                    case "sleep":
                        reply.put("pid", Sql.sleep(c, Long.parseLong(req.getParameter("ms"))));
                        break;
                    default:
                        throw new IllegalArgumentException("unknown action " + action);
                }
            }
            reply.send(resp);
        } catch (Exception e) {
            // A pool deleted and made again under the same name (the next test) is looked up afresh.
            String jndi = req.getParameter("jndi");
            if (jndi != null) {
                dataSources.remove(jndi);
            }
            reply.fail(resp, e);
        }
    }

    private DataSource dataSource(String jndi) throws NamingException {
        DataSource ds = dataSources.get(jndi);
        if (ds == null) {
            ds = (DataSource) new InitialContext().lookup(jndi);
            dataSources.put(jndi, ds);
        }
        return ds;
    }
}
