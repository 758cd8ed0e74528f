package io.github.pgpool.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.pgpool.api.PoolStatistics;
import io.github.pgpool.api.PoolTimeoutException;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Ten times more concurrent requests than MaxSize, for seconds: every request either succeeds or gets the timeout
 * exception within MaxWait; none is lost or stuck, and PostgreSQL never sees more than MaxSize backends.
 */
class PgPoolSaturationTest {
    private static final int MAX_SIZE = 4;
    private static final Duration MAX_WAIT = Duration.ofMillis(400);

    @Test
    @Timeout(60)
    void everyRequestSucceedsOrTimesOutAndMaxSizeHolds() throws Exception {
        TestDatabase db = TestDatabase.create("pgpool_saturation_test");
        AtomicInteger started = new AtomicInteger();
        AtomicInteger succeeded = new AtomicInteger();
        AtomicInteger timedOut = new AtomicInteger();
        AtomicReference<Throwable> other = new AtomicReference<>();
        AtomicLong longestTimeoutWait = new AtomicLong();
        AtomicLong longestSuccessWait = new AtomicLong();
        long end = System.nanoTime() + Duration.ofSeconds(4).toNanos();
        try (PgPoolDataSource ds = new PgPoolDataSource(db.settings().maxSize(MAX_SIZE).maxWait(MAX_WAIT).build())) {
            List<Thread> clients = new ArrayList<>();
            for (int t = 0; t < MAX_SIZE * 10; t++) {
                Thread c = new Thread(() -> {
                    while (System.nanoTime() < end) {
                        started.incrementAndGet();
                        long t0 = System.nanoTime();
                        try (Connection conn = ds.getConnection()) {
                            longestSuccessWait.accumulateAndGet(System.nanoTime() - t0, Math::max);
                            try (Statement s = conn.createStatement()) {
                                s.execute("SELECT pg_sleep(0.05)");
                            }
                            succeeded.incrementAndGet();
                        } catch (PoolTimeoutException e) {
                            longestTimeoutWait.accumulateAndGet(System.nanoTime() - t0, Math::max);
                            timedOut.incrementAndGet();
                        } catch (Throwable e) {
                            other.compareAndSet(null, e);
                        }
                    }
                }, "client-" + t);
                clients.add(c);
                c.start();
            }
            int peak = 0;
            while (clients.stream().anyMatch(Thread::isAlive)) {
                peak = Math.max(peak, db.backends());
            }
            PoolStatistics s = ds.pool().statistics();
            System.out.println("[saturation] requests=" + started.get() + " ok=" + succeeded.get() + " timeouts="
                    + timedOut.get() + " peakBackends=" + peak + " longestWaitBeforeSuccess="
                    + Duration.ofNanos(longestSuccessWait.get()).toMillis() + "ms longestWaitBeforeTimeout="
                    + Duration.ofNanos(longestTimeoutWait.get()).toMillis() + "ms");
            assertThat(other.get()).isNull();
            assertThat(succeeded.get() + timedOut.get()).as("no request lost").isEqualTo(started.get());
            assertThat(succeeded.get()).isGreaterThan(100);
            assertThat(timedOut.get()).as("saturated: some requests must time out").isPositive();
            assertThat(peak).isBetween(1, MAX_SIZE);
            assertThat(s.created()).isLessThanOrEqualTo(MAX_SIZE);
            assertThat(s.waiting()).isZero();
            assertThat(s.active()).isZero();
            assertThat(s.timeouts()).isEqualTo(timedOut.get());
            // Generous: on a loaded 2-core machine a thread granted a connection at its deadline was seen running
            // 300 ms later.
            assertThat(Duration.ofNanos(longestSuccessWait.get())).isLessThan(MAX_WAIT.plusSeconds(1));
            assertThat(Duration.ofNanos(longestTimeoutWait.get())).isBetween(MAX_WAIT, MAX_WAIT.plusSeconds(2));
        }
    }
}
