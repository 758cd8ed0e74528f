package io.github.pgpool.demo.app;

import jakarta.annotation.Resource;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.concurrent.ThreadLocalRandom;
import javax.sql.DataSource;

/**
 * The demo's sample application: one request borrows a connection from the pgpool data source, keeps it for a
 * moment ({@code pg_sleep}, standing in for real work) and reads one row. The hold time comes from the request
 * ({@code ?holdMs=}), so that the workload driver can make a burst heavy enough for MaxWait to run out.
 *
 * <p>Answers: 200 with the row read; 503 when pgpool gave up waiting for a connection (MaxWait); 500 otherwise.
 */
@WebServlet("/query")
public class QueryServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    /** Longest hold a request may ask for: a typo must not park the pool for minutes. */
    private static final int MAX_HOLD_MS = 2_000;

    /** Rows in the demo table; the runner creates them (see the runner's Admin class). */
    private static final int ITEMS = 100;

    @Resource(lookup = "java:app/pgpool/demo")
    private DataSource dataSource;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        int holdMs = holdMs(request.getParameter("holdMs"));
        int id = 1 + ThreadLocalRandom.current().nextInt(ITEMS);
        response.setContentType("text/plain;charset=UTF-8");
        try (Connection c = dataSource.getConnection();
                PreparedStatement work = c.prepareStatement("select pg_sleep(?)");
                PreparedStatement read = c.prepareStatement("select name from demo_item where id = ?")) {
            work.setDouble(1, holdMs / 1000.0);
            work.execute();
            read.setInt(1, id);
            try (ResultSet rs = read.executeQuery()) {
                response.getWriter().println(rs.next() ? rs.getString(1) : "no item " + id);
            }
        } catch (SQLException e) {
            // A pool timeout is the expected answer to a burst beyond MaxSize: report it as "try again later".
            boolean timeout = isTimeout(e);
            response.setStatus(timeout ? HttpServletResponse.SC_SERVICE_UNAVAILABLE
                    : HttpServletResponse.SC_INTERNAL_SERVER_ERROR);
            response.getWriter().println((timeout ? "timeout: " : "error: ") + e.getMessage());
            if (!timeout) {
                log("query failed", e);
            }
        }
    }

    private static int holdMs(String text) {
        if (text == null || text.isBlank()) {
            return 50;
        }
        try {
            return Math.max(0, Math.min(MAX_HOLD_MS, Integer.parseInt(text.trim())));
        } catch (NumberFormatException e) {
            return 50;
        }
    }

    /**
     * pgpool reports MaxWait running out as a transient connection exception (SQLState 08001). The application does
     * not see pgpool's own exception class (it lives in the adapter), so it tests the standard JDBC type.
     */
    private static boolean isTimeout(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLTransientConnectionException) {
                return true;
            }
        }
        return false;
    }
}
