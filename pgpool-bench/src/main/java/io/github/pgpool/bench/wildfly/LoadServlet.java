package io.github.pgpool.bench.wildfly;

import io.github.pgpool.bench.WaitSamples;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedThreadFactory;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import javax.management.ObjectName;
import javax.naming.InitialContext;
import javax.naming.NamingException;
import javax.sql.DataSource;

/**
 * The WildFly benchmark's load generator, inside the server: {@code GET
 * /bench/run?pool=pgpool|pgpool-old|wildfly&threads=N&warmup=MS&millis=MS} starts N managed threads that each repeat the Java SE
 * benchmarks' request (borrow from the chosen data source, {@code SELECT id, name FROM bench_items WHERE id = ?} on
 * a random id, read the row, close) for warm-up plus measured time, and answers one line with the requests per
 * millisecond of the measured part, the borrow-wait distribution, CPU per request and the failures.
 *
 * <p>In-server threads rather than HTTP clients: the comparison is about the two pools, and HTTP would add the same
 * large cost to both (see the Payara part's dilution). CPU per request is given twice: the borrowing threads' own
 * CPU time (ThreadMXBean; the pool's work on the request path) and the whole server process's
 * ({@code ProcessCpuTime} of the platform OperatingSystem MBean, read over JMX so that the WAR needs no
 * {@code com.sun.management} dependency), both divided by the measured requests.
 *
 * <p>Thread safety: a request's workers share only the atomic counters, their own {@link WaitSamples} (read after
 * {@link Thread#join}) and immutable times; one measurement at a time is the caller's job (the script runs them one
 * after another).
 */
@WebServlet("/run")
public class LoadServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;
    private static final String SELECT_BY_ID = "SELECT id, name FROM bench_items WHERE id = ?";
    /** Rows in bench_items (PgDatabase.ROWS; the server does not see that class). */
    private static final int ROWS = 10_000;

    /** pgpool.rar through a WildFly connection definition (wildfly-bench.cli). */
    @Resource(lookup = "java:/jdbc/bench-pgpool")
    private transient DataSource pgpool;

    /** WildFly's own data source over pgjdbc (wildfly-bench.cli). */
    @Resource(lookup = "java:/jdbc/bench-wildfly")
    private transient DataSource wildfly;

    /**
     * An older pgpool.rar beside the current one (wildfly-bench.sh with OLD_RAR), for before/after runs in the same
     * server; looked up on use because it is usually not there.
     */
    static final String PGPOOL_OLD = "java:/jdbc/bench-pgpool-old";

    /** Threads the server knows about (context, no cap of an executor's queue). */
    @Resource(lookup = "java:comp/DefaultManagedThreadFactory")
    private transient ManagedThreadFactory threads;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String pool = String.valueOf(request.getParameter("pool"));
        DataSource ds = switch (pool) {
            case "pgpool" -> pgpool;
            case "wildfly" -> wildfly;
            case "pgpool-old" -> lookup(PGPOOL_OLD);
            default -> null;
        };
        if (ds == null) {
            answer(response, HttpServletResponse.SC_BAD_REQUEST, "unknown pool " + pool
                    + ": pgpool, wildfly or (when wildfly-bench.sh was given OLD_RAR) pgpool-old");
            return;
        }
        int n = intParameter(request, "threads", 8, 1, 256);
        long warmupMillis = intParameter(request, "warmup", 2000, 0, 60_000);
        long millis = intParameter(request, "millis", 2000, 100, 60_000);
        try {
            answer(response, HttpServletResponse.SC_OK, measure(pool, ds, n, warmupMillis, millis));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            answer(response, HttpServletResponse.SC_INTERNAL_SERVER_ERROR, "interrupted");
        }
    }

    private String measure(String pool, DataSource ds, int n, long warmupMillis, long millis)
            throws InterruptedException {
        long measureFrom = System.nanoTime() + warmupMillis * 1_000_000;
        long measureTo = measureFrom + millis * 1_000_000;
        AtomicLong requests = new AtomicLong();
        AtomicLong failures = new AtomicLong();
        AtomicLong threadCpu = new AtomicLong();
        List<WaitSamples> samples = new ArrayList<>();
        List<Thread> workers = new ArrayList<>();
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        for (int i = 0; i < n; i++) {
            WaitSamples waits = new WaitSamples();
            samples.add(waits);
            workers.add(threads.newThread(() -> work(ds, measureFrom, measureTo, waits, requests, failures,
                    threadCpu, mx)));
        }
        workers.forEach(Thread::start);
        // The coordinator only reads the process CPU at the two ends of the measured part.
        sleepUntil(measureFrom);
        long processCpuFrom = processCpuNanos();
        for (Thread t : workers) {
            t.join();
        }
        long processCpu = processCpuNanos() - processCpuFrom;
        long done = requests.get();
        return String.format(Locale.ROOT,
                "pool=%s threads=%d millis=%d requests=%d opsPerMs=%.2f failures=%d threadCpuNsPerOp=%.0f"
                        + " processCpuNsPerOp=%.0f %s",
                pool, n, millis, done, done / (double) millis, failures.get(), threadCpu.get() / (double) done,
                processCpu / (double) done, WaitSamples.summary("pool=" + pool + " threads=" + n, samples));
    }

    private static void work(DataSource ds, long measureFrom, long measureTo, WaitSamples waits, AtomicLong requests,
            AtomicLong failures, AtomicLong threadCpu, ThreadMXBean mx) {
        long cpuFrom = -1;
        long mine = 0;
        ThreadLocalRandom random = ThreadLocalRandom.current();
        for (long now = System.nanoTime(); now < measureTo; now = System.nanoTime()) {
            boolean measured = now >= measureFrom;
            if (measured && cpuFrom < 0) {
                cpuFrom = mx.getCurrentThreadCpuTime();
            }
            try {
                long start = System.nanoTime();
                try (Connection c = ds.getConnection()) {
                    long waited = System.nanoTime() - start;
                    try (PreparedStatement ps = c.prepareStatement(SELECT_BY_ID)) {
                        ps.setInt(1, random.nextInt(1, ROWS + 1));
                        try (ResultSet rs = ps.executeQuery()) {
                            rs.next();
                        }
                    }
                    if (measured) {
                        waits.add(waited);
                        mine++;
                    }
                }
            } catch (SQLException e) {
                failures.incrementAndGet();
            }
        }
        requests.addAndGet(mine);
        if (cpuFrom >= 0) {
            threadCpu.addAndGet(mx.getCurrentThreadCpuTime() - cpuFrom);
        }
    }

    private static DataSource lookup(String jndiName) {
        try {
            return (DataSource) new InitialContext().lookup(jndiName);
        } catch (NamingException e) {
            return null;
        }
    }

    /**
     * Waits for a point of the run's schedule (the start of the measured part, which the workers read off the same
     * clock): a time, not a condition, is what the coordinator waits for here.
     */
    private static void sleepUntil(long nanoTime) throws InterruptedException {
        for (long left = nanoTime - System.nanoTime(); left > 0; left = nanoTime - System.nanoTime()) {
            Thread.sleep(left / 1_000_000, (int) (left % 1_000_000));
        }
    }

    private static long processCpuNanos() {
        try {
            Object v = ManagementFactory.getPlatformMBeanServer()
                    .getAttribute(new ObjectName("java.lang:type=OperatingSystem"), "ProcessCpuTime");
            return ((Number) v).longValue();
        } catch (Exception | LinkageError e) {
            return Long.MIN_VALUE / 4; // shows as a negative figure, never as a plausible one
        }
    }

    private static int intParameter(HttpServletRequest request, String name, int dflt, int min, int max) {
        String v = request.getParameter(name);
        int i = v == null ? dflt : Integer.parseInt(v);
        if (i < min || i > max) {
            throw new IllegalArgumentException(name + "=" + v + " is invalid: must be from " + min + " to " + max);
        }
        return i;
    }

    private static void answer(HttpServletResponse response, int status, String text) throws IOException {
        byte[] body = (text + "\n").getBytes(StandardCharsets.UTF_8);
        response.setStatus(status);
        response.setContentType("text/plain;charset=UTF-8");
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }
}
