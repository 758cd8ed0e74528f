package io.github.pgpool.it.app;

import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.sql.Connection;
import javax.management.ObjectName;
import javax.naming.InitialContext;
import javax.sql.DataSource;

/**
 * Uses a pool that the server's administrator made (and changes) while the application runs, found by its JNDI name
 * at each request rather than injected: the live-change scenarios create such a pool with the server's admin tools,
 * change its settings, and keep requests running through it.
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
            DataSource ds = (DataSource) new InitialContext().lookup(req.getParameter("jndi"));
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
            reply.fail(resp, e);
        }
    }
}
