package io.github.pgpool.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.pgpool.api.Credentials;
import io.github.pgpool.api.HistogramSnapshot;
import io.github.pgpool.api.PoolMXBean;
import io.github.pgpool.api.PoolMetricsSnapshot;
import io.github.pgpool.api.PoolSettings;
import io.github.pgpool.api.PoolTimeoutException;
import io.github.pgpool.api.PoolTimingListener;
import java.lang.management.ManagementFactory;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import javax.management.JMX;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import javax.management.openmbean.CompositeData;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The figures monitoring reads ({@link PgPool#metrics()}, the MXBean, timing listeners), deterministically: a stub
 * connection source whose connect takes a known time on a clock the test moves.
 */
class PoolMetricsTest {
    private static final Duration CONNECT = Duration.ofMillis(7);

    private final FakeClock clock = FakeClock.manual();
    private final StubFactory stubs = new StubFactory();
    private PgPool pool;

    /** Opening a connection takes {@link #CONNECT} on the test's clock. */
    private final ConnectionFactory slowConnect = new ConnectionFactory() {
        @Override
        public Connection open(Credentials credentials) throws SQLException {
            clock.advance(CONNECT);
            return stubs.open(credentials);
        }
    };

    private PgPool pool(int maxSize, Duration maxWait, boolean recordFromStart) {
        PoolSettings s = PoolSettings.builder().databaseName("test").poolName("metrics-unit").user("app")
                .maxSize(maxSize).maxWait(maxWait).build();
        pool = PgPool.builder(s).connectionFactory(slowConnect).clock(clock).scheduler(new ManualScheduler())
                .random(() -> 0.0).recordMetrics(recordFromStart).build();
        return pool;
    }

    @AfterEach
    void close() {
        if (pool != null) {
            pool.close();
        }
    }

    @Test
    void recordsNothingUntilSomebodyReadsThenEverythingSince() throws SQLException {
        pool(2, Duration.ofSeconds(5), false);
        pool.borrow().release();

        PoolMetricsSnapshot first = pool.metrics();
        assertThat(first.recording()).as("nobody read before").isFalse();
        assertThat(first.waitTime().getCount()).isZero();
        assertThat(first.createTime().getCount()).isZero();
        assertThat(first.useTime().getCount()).isZero();

        PooledConnection c = pool.borrow(); // the idle one: no wait
        clock.advance(Duration.ofMillis(30));
        c.release();

        PoolMetricsSnapshot second = pool.metrics();
        assertThat(second.recording()).isTrue();
        assertThat(second.waitTime().getCount()).isEqualTo(1);
        assertThat(second.waitTime().getSumSeconds()).isZero();
        assertThat(second.useTime().getCount()).isEqualTo(1);
        assertThat(second.useTime().getSumSeconds()).isEqualTo(0.030);
        assertThat(second.createTime().getCount()).as("no connection was opened since the first read").isZero();
    }

    @Test
    void distributionsFallInTheirBucketsInSeconds() throws Exception {
        pool(1, Duration.ofSeconds(5), true);
        PooledConnection held = pool.borrow(); // opens one: 7 ms to create, and the borrower waited for it
        HistogramSnapshot create = pool.metrics().createTime();
        assertThat(create.getCount()).isEqualTo(1);
        assertThat(create.getSumSeconds()).isEqualTo(0.007);
        assertThat(create.countAtOrBelow(0.005)).isZero();
        assertThat(create.countAtOrBelow(0.01)).isEqualTo(1);
        assertThat(pool.metrics().waitTime().countAtOrBelow(0.01)).isEqualTo(1);

        // A second borrower waits 200 ms for the only connection.
        CompletableFuture<PooledConnection> waiter = CompletableFuture.supplyAsync(() -> {
            try {
                return pool.borrow();
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        });
        Await.until("the second borrower waits", Duration.ofSeconds(10), () -> pool.statistics().waiting() == 1);
        PoolMetricsSnapshot waiting = pool.metrics();
        assertThat(waiting.pendingRequests()).isEqualTo(1);
        assertThat(waiting.used()).isEqualTo(1);
        assertThat(waiting.idle()).isZero();
        clock.advance(Duration.ofMillis(200));
        held.release();
        PooledConnection second = waiter.get(10, TimeUnit.SECONDS);

        PoolMetricsSnapshot m = pool.metrics();
        assertThat(m.waitTime().getCount()).isEqualTo(2);
        assertThat(m.waitTime().countAtOrBelow(0.1)).as("the 7 ms wait").isEqualTo(1);
        assertThat(m.waitTime().countAtOrBelow(0.5)).as("and the 200 ms one").isEqualTo(2);
        assertThat(m.waitTime().getSumSeconds()).isEqualTo(0.207);
        assertThat(m.useTime().getCount()).isEqualTo(1);
        assertThat(m.useTime().getSumSeconds()).as("held from its hand-out (after the connect) to the release")
                .isEqualTo(0.200);
        assertThat(m.pendingRequests()).isZero();
        second.release();
        assertThat(pool.metrics().useTime().getCount()).isEqualTo(2);
    }

    @Test
    void gaugesFollowThePoolAndTheRulesForIdleLimits() throws SQLException {
        pool(3, Duration.ofSeconds(5), false);
        PooledConnection a = pool.borrow();
        PooledConnection b = pool.borrow();
        b.release();
        PoolMetricsSnapshot m = pool.metrics();
        assertThat(m.poolName()).isEqualTo("metrics-unit");
        assertThat(m.used()).isEqualTo(1);
        assertThat(m.idle()).isEqualTo(1);
        assertThat(m.max()).isEqualTo(3);
        assertThat(m.idleMin()).as("pgpool keeps no idle connections").isZero();
        assertThat(m.idleMax()).as("any connection may be idle: MaxSize").isEqualTo(3);
        assertThat(m.timeouts()).isZero();
        a.release();
    }

    @Test
    void countsTimeouts() throws Exception {
        pool(1, Duration.ofMillis(100), false);
        PooledConnection held = pool.borrow();
        CompletableFuture<Void> late = CompletableFuture.runAsync(() -> {
            assertThatThrownBy(pool::borrow).isInstanceOf(PoolTimeoutException.class);
        });
        Await.until("the borrower waits", Duration.ofSeconds(10), () -> pool.statistics().waiting() == 1);
        clock.advance(Duration.ofMillis(150));
        late.get(10, TimeUnit.SECONDS);
        assertThat(pool.metrics().timeouts()).isEqualTo(1);
        held.release();
    }

    @Test
    void timingListenersGetEveryDurationAndCannotBreakABorrow() throws SQLException {
        pool(2, Duration.ofSeconds(5), false);
        List<String> heard = new CopyOnWriteArrayList<>();
        PoolTimingListener listener = new PoolTimingListener() {
            @Override
            public void connectionCreated(long nanos) {
                heard.add("created " + nanos);
            }

            @Override
            public void waited(long nanos) {
                heard.add("waited " + nanos);
            }

            @Override
            public void used(long nanos) {
                heard.add("used " + nanos);
            }
        };
        PoolTimingListener broken = new PoolTimingListener() {
            @Override
            public void connectionCreated(long nanos) {
                throw new IllegalStateException("broken listener");
            }

            @Override
            public void waited(long nanos) {
                throw new IllegalStateException("broken listener");
            }

            @Override
            public void used(long nanos) {
                throw new IllegalStateException("broken listener");
            }
        };
        pool.addTimingListener(broken);
        pool.addTimingListener(listener);
        PooledConnection c = pool.borrow();
        clock.advance(Duration.ofMillis(3));
        c.release();
        assertThat(heard).containsExactly("created 7000000", "waited 7000000", "used 3000000");
        assertThat(pool.metrics().recording()).as("listeners alone do not switch the histograms on").isFalse();

        assertThat(pool.removeTimingListener(listener)).isTrue();
        assertThat(pool.removeTimingListener(listener)).isFalse();
        pool.borrow().release();
        assertThat(heard).hasSize(3);
    }

    @Test
    void theMxBeanPublishesIdleLimitsAndDistributions() throws Exception {
        pool(4, Duration.ofSeconds(5), true);
        PooledConnection c = pool.borrow();
        clock.advance(Duration.ofMillis(40));
        c.release();
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        ObjectName name = pool.mxBeanName().orElseThrow();
        assertThat(server.getAttribute(name, "IdleMin")).isEqualTo(0);
        assertThat(server.getAttribute(name, "IdleMax")).isEqualTo(4);
        CompositeData use = (CompositeData) server.getAttribute(name, "UseTime");
        assertThat(use.get("count")).isEqualTo(1L);
        assertThat((Double) use.get("sumSeconds")).isEqualTo(0.040);
        assertThat((double[]) use.get("boundsSeconds")).containsExactly(HistogramSnapshot.DEFAULT_BOUNDS);
        CompositeData create = (CompositeData) server.getAttribute(name, "CreateTime");
        assertThat(create.get("count")).isEqualTo(1L);
        // A proxy rebuilds the snapshot from its CompositeData.
        PoolMXBean proxy = JMX.newMXBeanProxy(server, name, PoolMXBean.class);
        assertThat(proxy.getWaitTime()).isEqualTo(pool.metrics().waitTime());
    }

    @Test
    void bucketBoundsAreInclusiveUpperBounds() {
        Histogram h = new Histogram();
        h.record(1_000_000); // exactly 1 ms
        h.record(1_000_001);
        h.record(-5); // clocks of two threads: counts as 0
        h.record(61_000_000_000L); // above the last bound
        HistogramSnapshot s = h.snapshot();
        assertThat(s.countAtOrBelow(0.0001)).isEqualTo(1);
        assertThat(s.countAtOrBelow(0.001)).isEqualTo(2);
        assertThat(s.countAtOrBelow(0.005)).isEqualTo(3);
        assertThat(s.countAtOrBelow(60)).isEqualTo(3);
        assertThat(s.getCount()).isEqualTo(4);
        assertThat(s.getBucketCounts()[HistogramSnapshot.DEFAULT_BOUNDS.length]).isEqualTo(1);
        assertThat(s.getSumSeconds()).isEqualTo(0.001 + 0.001000001 + 61);
    }
}
