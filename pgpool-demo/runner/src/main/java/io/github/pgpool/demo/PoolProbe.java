package io.github.pgpool.demo;

import java.lang.management.ManagementFactory;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.management.Attribute;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * Reads a pgpool pool's figures from its MXBean ({@code io.github.pgpool:type=Pool,name="<PoolName>"}) on the
 * platform MBean server, which embedded Payara shares with the runner.
 *
 * <p>It reads attributes by name rather than through pgpool's {@code PoolMXBean} interface: that interface lives in
 * the adapter, and putting the adapter's classes on this JVM's classpath would let Payara load them from there
 * instead of from pgpool.rar. One {@code getAttributes} call per sample also keeps the figures of a sample together.
 */
final class PoolProbe {
    private static final String[] ATTRIBUTES = {"Total", "Active", "Idle", "Waiting", "Created", "ClosedExpired",
        "ClosedIdle", "ClosedBroken", "ClosedEvicted", "Timeouts", "Borrows", "MaxSize"};

    /** One reading of the pool; {@link #ABSENT} while the pool is not (or no longer) registered. */
    record Figures(int total, int active, int idle, int waiting, long created, long closedExpired, long closedIdle,
            long closedOther, long timeouts, long borrows, int maxSize) {
        static final Figures ABSENT = new Figures(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);

        long closed() {
            return closedExpired + closedIdle + closedOther;
        }
    }

    private final MBeanServer server = ManagementFactory.getPlatformMBeanServer();
    private final ObjectName name;

    PoolProbe(String poolName) {
        try {
            name = new ObjectName("io.github.pgpool:type=Pool,name=" + ObjectName.quote(poolName));
        } catch (JMException e) {
            throw new IllegalArgumentException(poolName, e);
        }
    }

    boolean registered() {
        return server.isRegistered(name);
    }

    /** The pool's figures now, or {@link Figures#ABSENT} if it is not registered. */
    Figures read() {
        if (!registered()) {
            return Figures.ABSENT;
        }
        Map<String, Object> values = new HashMap<>();
        try {
            List<Attribute> list = server.getAttributes(name, ATTRIBUTES).asList();
            for (Attribute a : list) {
                values.put(a.getName(), a.getValue());
            }
        } catch (JMException e) {
            // Unregistered between the check and the read (the application is being undeployed).
            return Figures.ABSENT;
        }
        return new Figures(integer(values, "Total"), integer(values, "Active"), integer(values, "Idle"),
                integer(values, "Waiting"), count(values, "Created"), count(values, "ClosedExpired"),
                count(values, "ClosedIdle"), count(values, "ClosedBroken") + count(values, "ClosedEvicted"),
                count(values, "Timeouts"), count(values, "Borrows"), integer(values, "MaxSize"));
    }

    private static int integer(Map<String, Object> values, String key) {
        return (int) count(values, key);
    }

    private static long count(Map<String, Object> values, String key) {
        Object v = values.get(key);
        if (!(v instanceof Number n)) {
            throw new IllegalStateException("pool MXBean attribute " + key + " missing or not a number: " + v);
        }
        return n.longValue();
    }
}
