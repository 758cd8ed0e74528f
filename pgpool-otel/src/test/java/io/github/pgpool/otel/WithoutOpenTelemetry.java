package io.github.pgpool.otel;

import io.github.pgpool.api.PoolMetricsSnapshot;
import io.github.pgpool.core.PgPool;
import io.github.pgpool.core.PooledConnection;
import java.lang.management.ManagementFactory;
import java.util.concurrent.Callable;
import javax.management.openmbean.CompositeData;

/**
 * What an application without OpenTelemetry does with pgpool, run by {@link NoOpenTelemetryTest} inside a class
 * loader that has pgpool's jars, the driver and this class, but no OpenTelemetry API: start a pool on PostgreSQL,
 * borrow and give back, read the metrics snapshot and the MXBean's histograms, close.
 */
public final class WithoutOpenTelemetry implements Callable<String> {
    @Override
    public String call() throws Exception {
        try {
            Class.forName("io.opentelemetry.api.OpenTelemetry");
            throw new IllegalStateException("this class loader must not see the OpenTelemetry API");
        } catch (ClassNotFoundException expected) {
            // as it must be
        }
        try (PgPool pool = PgPool.builder(Postgres.settings("no-otel").maxSize(2).build()).recordMetrics(true)
                .build()) {
            PooledConnection c = pool.borrow();
            c.connection().createStatement().execute("SELECT 1");
            c.release();
            PoolMetricsSnapshot m = pool.metrics();
            CompositeData wait = (CompositeData) ManagementFactory.getPlatformMBeanServer()
                    .getAttribute(pool.mxBeanName().orElseThrow(), "WaitTime");
            return "idle=" + m.idle() + " waits=" + m.waitTime().getCount() + " jmxWaits=" + wait.get("count")
                    + " loader=" + PgPool.class.getClassLoader().getClass().getSimpleName();
        }
    }
}
