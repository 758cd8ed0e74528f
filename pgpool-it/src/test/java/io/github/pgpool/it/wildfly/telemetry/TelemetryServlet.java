package io.github.pgpool.it.wildfly.telemetry;

import io.opentelemetry.api.OpenTelemetry;
import jakarta.annotation.Resource;
import jakarta.inject.Inject;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;

/**
 * Server side of WildFlyTelemetryIT, deployed only there: what an application does to put its pgpool pool on the
 * server's OpenTelemetry. {@code /telemetry/register} registers the 'basic' pool with the OpenTelemetry instance
 * WildFly's MicroProfile Telemetry injects; {@code /telemetry/hold?n=&ms=} holds n connections for ms milliseconds of work and
 * then until {@code /telemetry/release}, so the test decides when it has seen them in use instead of racing the
 * hold's end.
 *
 * <p>pgpool's classes are the deployed adapter's (this WAR depends on deployment.pgpool.rar) and the binding comes
 * in WEB-INF/lib; they are reached by name so that this class compiles without them on the test class path.
 */
@WebServlet("/telemetry/*")
public class TelemetryServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;
    private static final ConcurrentMap<String, Object> REGISTERED = new ConcurrentHashMap<>();
    /** Opened by {@code /telemetry/release}; a new hold closes it again. */
    private static volatile CountDownLatch released = new CountDownLatch(1);

    @Inject
    private OpenTelemetry openTelemetry;

    @Resource(lookup = "java:/pgpool/basic")
    private DataSource basic;

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        String action = req.getPathInfo() == null ? "" : req.getPathInfo().substring(1);
        try {
            switch (action) {
                case "register":
                    Class<?> pgPool = Class.forName("io.github.pgpool.core.PgPool", true,
                            Thread.currentThread().getContextClassLoader());
                    Class<?> binding = Class.forName("io.github.pgpool.otel.PgPoolTelemetry", true,
                            Thread.currentThread().getContextClassLoader());
                    Object pool = basic.unwrap(pgPool);
                    REGISTERED.computeIfAbsent("basic", k -> {
                        try {
                            return binding.getMethod("register", OpenTelemetry.class, pgPool).invoke(null,
                                    openTelemetry, pool);
                        } catch (ReflectiveOperationException e) {
                            throw new IllegalStateException(e);
                        }
                    });
                    resp.getWriter().print("registered=" + pgPool.getMethod("name").invoke(pool) + "\nmeter="
                            + openTelemetry.getMeterProvider().getClass().getName() + "\n");
                    break;
                case "release":
                    released.countDown();
                    resp.getWriter().print("released=true\n");
                    break;
                case "hold":
                    int n = Integer.parseInt(req.getParameter("n"));
                    CountDownLatch release = new CountDownLatch(1);
                    released = release;
                    List<Connection> held = new ArrayList<>();
                    try {
                        for (int i = 0; i < n; i++) {
                            Connection c = basic.getConnection();
                            held.add(c);
                            c.createStatement().execute("SELECT 1");
                        }
                        // The loans last ms (the server sleeps, as the application's work would), and until the
                        // test has seen them in use: it releases them then, or they fail after a minute.
                        try (java.sql.Statement s = held.get(0).createStatement()) {
                            s.execute("SELECT pg_sleep(" + Long.parseLong(req.getParameter("ms")) / 1000.0 + ")");
                        }
                        if (!release.await(60, TimeUnit.SECONDS)) {
                            throw new IllegalStateException("not released within 60 s");
                        }
                    } finally {
                        for (Connection c : held) {
                            c.close();
                        }
                    }
                    resp.getWriter().print("held=" + n + "\n");
                    break;
                default:
                    resp.sendError(404, "unknown action " + action);
            }
        } catch (Exception e) {
            resp.setStatus(500);
            resp.getWriter().print("error=" + e + "\n");
        }
    }
}
