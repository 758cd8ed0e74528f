package io.github.pgpool.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.pgpool.api.PoolSettings;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.junit.jupiter.api.Test;

/**
 * Virtual threads skip the {@link HotLane}: a hint keyed by a thread that serves one request and ends would only
 * overwrite a platform thread's, so a virtual thread neither writes nor takes one. Platform threads keep theirs.
 */
class HotLaneVirtualThreadTest {
    @Test
    void aVirtualThreadNeitherRemembersNorTakesAHint() throws Exception {
        VirtualThreads.require();
        PoolSettings settings = PoolSettings.builder().databaseName("test").poolName("lane").build();
        try (PgPool pool = PgPool.builder(settings).connectionFactory(new StubFactory()).jmx(false)
                .scheduler(new ManualScheduler()).build()) {
            PooledConnection pc = pool.borrow();
            HotLane lane = new HotLane(new ReentrantLock());
            ExecutorService vts = VirtualThreads.perTaskExecutor();
            try {
                Future<Object[]> onVirtual = vts.submit(() -> {
                    lane.remember(pc);
                    return new Object[] {HotLane.onVirtualThread(), lane.hintOfThisThread(),
                            lane.tryTake(pc.credentials(), System.nanoTime())};
                });
                Object[] seen = onVirtual.get(30, TimeUnit.SECONDS);
                assertThat(seen[0]).as("seen as a virtual thread").isEqualTo(true);
                assertThat(seen[1]).as("hint written by a virtual thread").isNull();
                assertThat(seen[2]).as("taken by a virtual thread").isNull();
            } finally {
                vts.shutdown();
            }
            assertThat(HotLane.onVirtualThread()).as("the test thread is a platform thread").isFalse();
            lane.remember(pc);
            assertThat(lane.hintOfThisThread()).as("a platform thread's hint").isSameAs(pc);
            pc.release();
        }
    }
}
