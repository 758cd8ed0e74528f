package io.github.pgpool.jca;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.pgpool.api.PoolStatistics;
import io.github.pgpool.core.PgPool;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import javax.sql.DataSource;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Many threads, few connections: whether the server pools managed connections or creates one per request (Payara
 * with pooling=false), pgpool's MaxSize bounds the physical connections and every lease comes back.
 */
class ConcurrencyTest {
    private static final int THREADS = 8;
    private static final int REQUESTS_PER_THREAD = 40;

    @ParameterizedTest(name = "server pooling={0}")
    @ValueSource(booleans = {true, false})
    void maxSizeStaysAHardLimitAndEveryLeaseComesBack(boolean serverPooling) throws Exception {
        PgPoolResourceAdapter ra = new PgPoolResourceAdapter();
        ra.start(null);
        ExecutorService threads = Executors.newFixedThreadPool(THREADS);
        try {
            PgPoolManagedConnectionFactory mcf = TestDatabase.factory(TestDatabase.uniqueApplicationName());
            mcf.setMaxSize("2");
            mcf.setResourceAdapter(ra);
            FakeConnectionManager cm = new FakeConnectionManager();
            cm.pooling = serverPooling;
            DataSource ds = (DataSource) mcf.createConnectionFactory(cm);
            PgPool pool = ds.unwrap(PgPool.class);

            List<Future<Integer>> results = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                results.add(threads.submit(() -> {
                    int sum = 0;
                    for (int i = 0; i < REQUESTS_PER_THREAD; i++) {
                        try (Connection c = ds.getConnection(); Statement s = c.createStatement();
                                ResultSet rs = s.executeQuery("SELECT 1")) {
                            rs.next();
                            sum += rs.getInt(1);
                        }
                    }
                    return sum;
                }));
            }
            int maxTotal = 0;
            boolean running = true;
            while (running) {
                maxTotal = Math.max(maxTotal, pool.statistics().total());
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1)); // sample, without hogging the pool's lock
                running = false;
                for (Future<Integer> f : results) {
                    running |= !f.isDone();
                }
            }
            for (Future<Integer> f : results) {
                assertThat(f.get(30, TimeUnit.SECONDS)).isEqualTo(REQUESTS_PER_THREAD);
            }
            PoolStatistics s = pool.statistics();
            assertThat(maxTotal).isLessThanOrEqualTo(2);
            assertThat(s.created()).isLessThanOrEqualTo(2);
            assertThat(s.borrows()).isEqualTo((long) THREADS * REQUESTS_PER_THREAD);
            assertThat(s.active()).isZero();
            assertThat(s.timeouts()).isZero();
            if (!serverPooling) {
                assertThat(cm.created).isEmpty(); // every managed connection was destroyed after its request
            }
        } finally {
            threads.shutdownNow();
            ra.stop();
        }
    }
}
