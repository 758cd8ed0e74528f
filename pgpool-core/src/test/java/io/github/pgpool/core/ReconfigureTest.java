package io.github.pgpool.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.pgpool.api.PoolSettings;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link PgPoolDataSource#reconfigure} on the real PostgreSQL under load, at default settings but MaxSize: lowering
 * MaxSize from 4 to 2 while eight borrowers keep working. PostgreSQL never sees more than 4 backends, sees at most 2
 * as soon as the old connections are back, and no borrow fails.
 */
class ReconfigureTest {
    @Test
    @Timeout(90)
    void lowerMaxSizeUnderLoad() throws Exception {
        TestDatabase db = TestDatabase.create("pgpool_reconfigure_test");
        PoolSettings.Builder settings = db.settings();
        List<Throwable> failures = new CopyOnWriteArrayList<>();
        AtomicInteger borrows = new AtomicInteger();
        List<Thread> load = new ArrayList<>();
        try (PgPoolDataSource ds = new PgPoolDataSource(settings.maxSize(4).build())) {
            for (int i = 0; i < 8; i++) {
                load.add(borrower(ds, borrows, failures));
            }
            load.forEach(Thread::start);
            Await.until("4 backends under load", Duration.ofSeconds(30),
                    () -> db.backends() == 4 && borrows.get() > 50 || !failures.isEmpty());
            int peak;
            int borrowsAtChange;
            try (BackendSampler sampler = new BackendSampler(db.name)) {
                ds.reconfigure(settings.maxSize(2).build());
                borrowsAtChange = borrows.get();
                Await.until("200 borrows after the change", Duration.ofSeconds(30),
                        () -> borrows.get() > borrowsAtChange + 200 || !failures.isEmpty());
                peak = sampler.peak();
            }
            Await.until("at most the new MaxSize 2 backends", Duration.ofSeconds(30), () -> db.backends() <= 2);
            int after = db.backends();
            stop(load);
            System.out.println("pgpool-core reconfigure MaxSize 4 -> 2 under load (8 borrowers): peak " + peak
                    + " backends, " + after + " after, " + failures.size() + " failed of " + borrows.get());
            assertThat(failures).as("borrows that failed during the change").isEmpty();
            assertThat(peak).as("backends after the change").isBetween(2, 4);
            assertThat(ds.pool().settings().maxSize()).isEqualTo(2);
            assertThat(ds.pool().statistics().total()).isLessThanOrEqualTo(2);
        } finally {
            stop(load);
        }
    }

    static Thread borrower(PgPoolDataSource ds, AtomicInteger borrows, List<Throwable> failures) {
        Thread t = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                try (Connection c = ds.getConnection(); Statement s = c.createStatement();
                        ResultSet rs = s.executeQuery("SELECT pg_sleep(0.005)")) {
                    rs.next();
                    borrows.incrementAndGet();
                } catch (SQLException | RuntimeException e) {
                    if (!Thread.currentThread().isInterrupted()) {
                        failures.add(e);
                    }
                    return;
                }
            }
        }, "reconfigure-borrower");
        t.setDaemon(true);
        return t;
    }

    static void stop(List<Thread> threads) throws InterruptedException {
        for (Thread t : threads) {
            t.interrupt();
        }
        for (Thread t : threads) {
            t.join(10_000);
        }
    }
}
