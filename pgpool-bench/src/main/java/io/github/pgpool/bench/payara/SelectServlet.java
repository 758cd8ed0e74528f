package io.github.pgpool.bench.payara;

import jakarta.annotation.Resource;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.concurrent.ThreadLocalRandom;
import javax.sql.DataSource;

/**
 * The benchmark's web application: {@code GET /bench/select?pool=pgpool|pgpool-unpooled|payara&n=N} runs N times the request of
 * the Java SE benchmarks (borrow a connection from the chosen container-managed data source, {@code SELECT id, name
 * FROM bench_items WHERE id = ?} on a random id, read the row, close) and answers 200 with the last name read. Both
 * data sources are used by the same code, so the HTTP and servlet costs are the same for both.
 *
 * <p>Answers 503 when the pool gave up waiting for a connection (a {@link SQLTransientConnectionException} anywhere
 * in the cause chain: pgpool's MaxWait), 500 on any other failure, 400 for an unknown pool.
 */
@WebServlet("/select")
public class SelectServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;
    private static final String SELECT_BY_ID = "SELECT id, name FROM bench_items WHERE id = ?";
    /** Rows in bench_items (PgDatabase.ROWS; this class cannot see PgDatabase inside the server). */
    private static final int ROWS = 10_000;

    /** pgpool.rar through a connector pool (BenchServer.PGPOOL_JNDI). */
    @Resource(lookup = "jdbc/bench-pgpool")
    private transient DataSource pgpool;

    /** pgpool.rar with Payara's pooling off (diagnostic: what the per-allocation path of pooling=false costs). */
    @Resource(lookup = "jdbc/bench-pgpool-unpooled")
    private transient DataSource pgpoolUnpooled;

    /** Payara's own JDBC connection pool over PGSimpleDataSource (BenchServer.PAYARA_JNDI). */
    @Resource(lookup = "jdbc/bench-payara")
    private transient DataSource payara;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String pool = request.getParameter("pool");
        DataSource ds = switch (pool == null ? "" : pool) {
            case "pgpool" -> pgpool;
            case "pgpool-unpooled" -> pgpoolUnpooled;
            case "payara" -> payara;
            default -> null;
        };
        if (ds == null) {
            answer(response, HttpServletResponse.SC_BAD_REQUEST, "unknown pool " + pool);
            return;
        }
        String n = request.getParameter("n");
        int times = n == null ? 1 : Math.max(1, Math.min(1000, Integer.parseInt(n)));
        try {
            String name = null;
            for (int i = 0; i < times; i++) {
                try (Connection c = ds.getConnection();
                        PreparedStatement ps = c.prepareStatement(SELECT_BY_ID)) {
                    ps.setInt(1, ThreadLocalRandom.current().nextInt(1, ROWS + 1));
                    try (ResultSet rs = ps.executeQuery()) {
                        name = rs.next() ? rs.getString(2) : null;
                    }
                }
            }
            answer(response, HttpServletResponse.SC_OK, String.valueOf(name));
        } catch (SQLException e) {
            boolean timeout = false;
            for (Throwable t = e; t != null; t = t.getCause()) {
                timeout |= t instanceof SQLTransientConnectionException;
            }
            log("select through " + pool + " failed", e);
            answer(response, timeout ? HttpServletResponse.SC_SERVICE_UNAVAILABLE
                    : HttpServletResponse.SC_INTERNAL_SERVER_ERROR, e.toString());
        }
    }

    /** A short body with a Content-Length, so that the client keeps the connection alive. */
    private static void answer(HttpServletResponse response, int status, String text) throws IOException {
        byte[] body = (text + "\n").getBytes(StandardCharsets.UTF_8);
        response.setStatus(status);
        response.setContentType("text/plain;charset=UTF-8");
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }
}
