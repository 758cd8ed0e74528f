package io.github.pgpool.core;

import io.github.pgpool.api.HistogramSnapshot;
import io.github.pgpool.api.InvalidSettingException;
import io.github.pgpool.api.PoolMXBean;
import io.github.pgpool.api.PoolSetting;
import io.github.pgpool.api.PoolSettings;
import io.github.pgpool.api.PoolStatistics;
import java.lang.System.Logger.Level;
import java.lang.management.ManagementFactory;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.management.InstanceAlreadyExistsException;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * Publishes a pool's {@link PoolMXBean} on the platform MBean server and takes it down when the pool closes. A
 * second pool of the same name gets an {@code instance} key rather than failing; if JMX is unavailable the pool works
 * on without it.
 */
final class PoolJmx implements PoolMXBean {
    private static final System.Logger LOG = System.getLogger(PoolJmx.class.getName());
    static final String DOMAIN = "io.github.pgpool";

    private final PgPool pool;
    private ObjectName name;

    private PoolJmx(PgPool pool) {
        this.pool = pool;
    }

    /** @return the registration, to {@link #unregister()} when the pool closes */
    static PoolJmx register(PgPool pool) {
        PoolJmx bean = new PoolJmx(pool);
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        for (int instance = 1; instance < 1000; instance++) {
            try {
                ObjectName candidate = new ObjectName(DOMAIN + ":type=Pool,name=" + ObjectName.quote(pool.name())
                        + (instance == 1 ? "" : ",instance=" + instance));
                server.registerMBean(bean, candidate);
                bean.name = candidate;
                return bean;
            } catch (InstanceAlreadyExistsException taken) {
                continue;
            } catch (JMException | RuntimeException e) {
                LOG.log(Level.WARNING, "pgpool {0}: not published over JMX: {1}", pool.name(), e.toString());
                return bean;
            }
        }
        return bean;
    }

    /** @return the name the MXBean is registered under, or {@code null} if it is not */
    ObjectName objectName() {
        return name;
    }

    void unregister() {
        if (name == null) {
            return;
        }
        try {
            ManagementFactory.getPlatformMBeanServer().unregisterMBean(name);
        } catch (JMException | RuntimeException e) {
            LOG.log(Level.DEBUG, "pgpool {0}: JMX unregistration failed: {1}", pool.name(), e.toString());
        }
        name = null;
    }

    private PoolStatistics stats() {
        return pool.statistics();
    }

    @Override
    public String getPoolName() {
        return pool.name();
    }

    @Override
    public int getMaxSize() {
        return pool.settings().maxSize();
    }

    @Override
    public int getTotal() {
        return stats().total();
    }

    @Override
    public int getActive() {
        return stats().active();
    }

    @Override
    public int getIdle() {
        return stats().idle();
    }

    @Override
    public int getWaiting() {
        return stats().waiting();
    }

    @Override
    public long getCreated() {
        return stats().created();
    }

    @Override
    public long getClosedExpired() {
        return stats().closedExpired();
    }

    @Override
    public long getClosedIdle() {
        return stats().closedIdle();
    }

    @Override
    public long getClosedBroken() {
        return stats().closedBroken();
    }

    @Override
    public long getClosedEvicted() {
        return stats().closedEvicted();
    }

    @Override
    public long getConnectFailures() {
        return stats().connectFailures();
    }

    @Override
    public long getBorrows() {
        return stats().borrows();
    }

    @Override
    public long getTimeouts() {
        return stats().timeouts();
    }

    @Override
    public long getLeaks() {
        return stats().leaks();
    }

    @Override
    public double getWaitTimeMeanMillis() {
        return stats().waitTimeMean().toNanos() / 1e6;
    }

    @Override
    public double getWaitTimeMaxMillis() {
        return stats().waitTimeMax().toNanos() / 1e6;
    }

    @Override
    public int getIdleMin() {
        return 0; // pgpool keeps no idle connections: it starts empty, and Cleanup closes every idle one
    }

    @Override
    public int getIdleMax() {
        return pool.settings().maxSize(); // every connection may be idle; MaxSize is the only bound
    }

    @Override
    public HistogramSnapshot getCreateTime() {
        return pool.metrics().createTime();
    }

    @Override
    public HistogramSnapshot getWaitTime() {
        return pool.metrics().waitTime();
    }

    @Override
    public HistogramSnapshot getUseTime() {
        return pool.metrics().useTime();
    }

    @Override
    public Map<String, String> getSettings() {
        Map<String, String> settings = new LinkedHashMap<>();
        for (PoolSetting s : PoolSetting.values()) {
            settings.put(s.displayName(), pool.settings().text(s)); // text() masks the password
        }
        return settings;
    }

    @Override
    public void evictIdle() {
        pool.evictIdle();
    }

    @Override
    public void evictAll() {
        pool.evictAll();
    }

    @Override
    public void changeSetting(String name, String value) {
        PoolSettings next;
        try {
            next = pool.settings().toBuilder().set(name, value).build();
        } catch (InvalidSettingException e) {
            throw new IllegalArgumentException(e.getMessage()); // its message names setting, value and rule only
        }
        if (!next.poolName().equals(pool.name())) {
            throw new IllegalArgumentException("pgpool " + pool.name() + ": PoolName cannot be changed while the pool "
                    + "runs (it is the pool's identity); create a pool of the new name instead");
        }
        try {
            pool.replaceWith(next);
        } catch (InvalidSettingException e) {
            throw new IllegalArgumentException(e.getMessage());
        } catch (io.github.pgpool.api.PoolClosedException e) {
            throw new IllegalStateException(e.getMessage());
        }
        LOG.log(Level.INFO, "pgpool {0}: {1} changed over JMX; a pool with the new value has taken over",
                pool.name(), PoolSetting.forName(name).map(PoolSetting::displayName).orElse(name));
    }
}
