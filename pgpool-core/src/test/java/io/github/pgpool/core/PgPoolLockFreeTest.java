package io.github.pgpool.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.pgpool.api.CloseReason;
import io.github.pgpool.api.Credentials;
import io.github.pgpool.api.PoolListener;
import io.github.pgpool.api.PoolSettings;
import io.github.pgpool.api.PoolStatistics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The way a thread takes back and gives back its last connection without the pool's lock while the lock is busy.
 * Another thread holds the lock ({@link PgPool#lockForTests()}) to put the pool under "contention" on purpose.
 */
class PgPoolLockFreeTest {
    private final StubFactory factory = new StubFactory();
    private final ManualScheduler scheduler = new ManualScheduler();
    private final FakeClock clock = FakeClock.manual();
    private final List<String> closes = new CopyOnWriteArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    private PgPool pool;
    private LockHolder holder;

    private PgPool pool(int maxSize) {
        PoolSettings settings = PoolSettings.builder().databaseName("test").poolName("lockfree").maxSize(maxSize)
                .maxWait(Duration.ofSeconds(10)).expires(Duration.ofSeconds(300)).cleanup(Duration.ofSeconds(20))
                .build();
        pool = PgPool.builder(settings).connectionFactory(factory).clock(clock).scheduler(scheduler)
                .random(() -> 0.0).jmx(false).listener(new PoolListener() {
                    @Override
                    public void connectionClosed(String poolName, CloseReason reason) {
                        closes.add(reason.name());
                    }
                }).build();
        return pool;
    }

    @AfterEach
    void tearDown() throws InterruptedException {
        if (holder != null) {
            holder.unlock();
        }
        if (pool != null) {
            pool.close();
        }
        for (Thread t : threads) {
            t.join(10_000);
            assertThat(t.isAlive()).as("%s finished", t.getName()).isFalse();
        }
    }

    /** Holds the pool's lock on its own thread until {@link #unlock()}. */
    private final class LockHolder {
        private final CountDownLatch locked = new CountDownLatch(1);
        private final CountDownLatch release = new CountDownLatch(1);

        LockHolder() throws InterruptedException {
            ReentrantLock lock = pool.lockForTests();
            start("lock-holder", () -> {
                lock.lock();
                try {
                    locked.countDown();
                    release.await();
                } finally {
                    lock.unlock();
                }
                return null;
            });
            assertThat(locked.await(10, TimeUnit.SECONDS)).isTrue();
        }

        void unlock() {
            release.countDown();
        }
    }

    private interface Step<T> {
        T run() throws Exception;
    }

    private <T> CompletableFuture<T> start(String name, Step<T> step) {
        CompletableFuture<T> result = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                result.complete(step.run());
            } catch (Throwable e) {
                result.completeExceptionally(e);
            }
        }, name);
        threads.add(t);
        t.start();
        return result;
    }

    @Test
    void underContentionAThreadTakesBackAndGivesBackItsLastConnectionWithoutTheLock() throws Exception {
        pool(2);
        CountDownLatch returned = new CountDownLatch(1);
        CountDownLatch contended = new CountDownLatch(1);
        CompletableFuture<PooledConnection[]> worker = start("worker", () -> {
            PooledConnection first = pool.borrow();
            first.release(); // through the lock: nobody holds it
            returned.countDown();
            contended.await();
            PooledConnection again = pool.borrow(); // the lock is held: only the lock-free way can answer
            again.release();
            return new PooledConnection[] {first, again};
        });
        assertThat(returned.await(10, TimeUnit.SECONDS)).isTrue();
        holder = new LockHolder();
        contended.countDown();

        PooledConnection[] both = worker.get(10, TimeUnit.SECONDS); // finished while the lock was still held
        assertThat(pool.lockForTests().isLocked()).isTrue();
        assertThat(both[1]).isSameAs(both[0]);
        holder.unlock();
        assertThat(pool.statistics()).extracting(PoolStatistics::total, PoolStatistics::active,
                PoolStatistics::idle, PoolStatistics::borrows).containsExactly(1, 0, 1, 2L);
        assertThat(factory.attempts).hasValue(1);
    }

    @Test
    void whileSomebodyWaitsAReturnGoesThroughTheLockEvenForAWaiterWithOtherCredentials() throws Exception {
        pool(1);
        CountDownLatch returned = new CountDownLatch(1);
        CountDownLatch contended = new CountDownLatch(1);
        CountDownLatch holding = new CountDownLatch(1);
        CountDownLatch giveBack = new CountDownLatch(1);
        CompletableFuture<PooledConnection> worker = start("worker", () -> {
            PooledConnection c = pool.borrow();
            c.release();
            returned.countDown();
            contended.await();
            c = pool.borrow(); // lock-free: the connection stays in the idle list, so its return could be too
            holding.countDown();
            giveBack.await();
            c.release();
            return c;
        });
        assertThat(returned.await(10, TimeUnit.SECONDS)).isTrue();
        holder = new LockHolder();
        contended.countDown();
        assertThat(holding.await(10, TimeUnit.SECONDS)).isTrue();
        holder.unlock();

        // A waiter with other credentials: its own look at the idle list does not touch this connection's partition.
        CompletableFuture<PooledConnection> waiter = start("waiter", () -> pool.borrow(Credentials.of("other", "")));
        Await.until("a waiter", Duration.ofSeconds(10), () -> pool.statistics().waiting() == 1);
        holder = new LockHolder();
        giveBack.countDown();
        Await.until("the return to queue at the lock", Duration.ofSeconds(10),
                () -> pool.lockForTests().hasQueuedThreads());
        assertThat(waiter).isNotDone();

        holder.unlock();
        PooledConnection given = worker.get(10, TimeUnit.SECONDS);
        // Not left idle while the other user waits: closed, and its slot went to the waiter.
        PooledConnection theirs = waiter.get(10, TimeUnit.SECONDS);
        assertThat(theirs).isNotSameAs(given);
        assertThat(theirs.credentials().user()).isEqualTo("other");
        assertThat(closes).containsExactly("EVICTED");
        theirs.release();
        assertThat(pool.statistics().timeouts()).isZero();
    }

    @Test
    void aNewcomerDoesNotTakeItsLastConnectionPastAStarvingWaiter() throws Exception {
        pool(2);
        CountDownLatch returned = new CountDownLatch(1);
        CountDownLatch again = new CountDownLatch(1);
        CompletableFuture<PooledConnection> newcomer = start("newcomer", () -> {
            PooledConnection c = pool.borrow();
            c.release(); // its last connection: idle, listed, remembered
            returned.countDown();
            again.await();
            return pool.borrow();
        });
        assertThat(returned.await(10, TimeUnit.SECONDS)).isTrue();
        PooledConnection idle = pool.borrow(); // the idle one
        PooledConnection second = pool.borrow(); // the pool is full
        CompletableFuture<PooledConnection> waiter = start("waiter", pool::borrow);
        Await.until("a waiter", Duration.ofSeconds(10), () -> pool.statistics().waiting() == 1);
        clock.advance(Duration.ofMillis(1)); // the waiter has waited the queue's bound: the queue starves
        Await.until("the queue to starve", Duration.ofSeconds(10), pool::queueStarves);
        idle.release();
        assertThat(waiter.get(10, TimeUnit.SECONDS)).isSameAs(idle); // handed over, never idle
        CompletableFuture<PooledConnection> late = start("late waiter", pool::borrow);
        Await.until("a second waiter", Duration.ofSeconds(10), () -> pool.statistics().waiting() == 1);
        holder = new LockHolder();
        again.countDown();
        // The newcomer's remembered connection is in use, and somebody waits: it must queue at the lock.
        Await.until("the newcomer to queue at the lock", Duration.ofSeconds(10),
                () -> pool.lockForTests().hasQueuedThreads());
        holder.unlock();
        Await.until("two waiters", Duration.ofSeconds(10), () -> pool.statistics().waiting() == 2);
        second.release();
        assertThat(late.get(10, TimeUnit.SECONDS)).isSameAs(second);
        waiter.get().release();
        assertThat(newcomer.get(10, TimeUnit.SECONDS)).isSameAs(idle);
        late.get().release();
        newcomer.get().release();
    }

    @Test
    void theLockFreeWayNeverLendsAnExpiredConnection() throws Exception {
        pool(2);
        CountDownLatch returned = new CountDownLatch(1);
        CountDownLatch contended = new CountDownLatch(1);
        CompletableFuture<PooledConnection[]> worker = start("worker", () -> {
            PooledConnection first = pool.borrow();
            first.release();
            returned.countDown();
            contended.await();
            PooledConnection next = pool.borrow();
            next.release();
            return new PooledConnection[] {first, next};
        });
        assertThat(returned.await(10, TimeUnit.SECONDS)).isTrue();
        clock.advance(Duration.ofSeconds(300));
        holder = new LockHolder();
        contended.countDown();
        // The expired connection must be closed, which needs the lock: the borrower waits for it.
        Await.until("the borrower to queue at the lock", Duration.ofSeconds(10),
                () -> pool.lockForTests().hasQueuedThreads());
        holder.unlock();

        PooledConnection[] both = worker.get(10, TimeUnit.SECONDS);
        assertThat(both[1]).isNotSameAs(both[0]);
        assertThat(closes).containsExactly("EXPIRED");
        assertThat(pool.statistics().borrows()).isEqualTo(2);
    }

    /**
     * Thread affinity only under load: a thread that comes back later than {@link PgPool#HOT_MILLIS} borrows the
     * most recently used connection through the lock, so at low traffic the surplus connection ages out.
     */
    @Test
    void atLowTrafficThreadsShareTheMostRecentlyUsedConnectionAndTheSurplusAgesOut() throws Exception {
        pool(2);
        ExecutorService one = Executors.newSingleThreadExecutor();
        ExecutorService two = Executors.newSingleThreadExecutor();
        try {
            // A burst: each thread gets a connection of its own and remembers it.
            PooledConnection a = one.submit(() -> pool.borrow()).get(10, TimeUnit.SECONDS);
            PooledConnection b = two.submit(() -> pool.borrow()).get(10, TimeUnit.SECONDS);
            one.submit(() -> a.release()).get(10, TimeUnit.SECONDS);
            two.submit(() -> b.release()).get(10, TimeUnit.SECONDS);
            // Low traffic: one request at a time, far apart, alternating between the threads.
            for (int i = 0; i < 6; i++) {
                clock.advance(Duration.ofSeconds(3));
                ExecutorService thread = i % 2 == 0 ? one : two;
                thread.submit(() -> {
                    pool.borrow().release();
                    return null;
                }).get(10, TimeUnit.SECONDS);
            }
            clock.advance(Duration.ofSeconds(16)); // past Cleanup (20 s) only for what was idle since the burst
            pool.housekeep();
            assertThat(pool.statistics().total()).as("connections after a quiet stretch").isEqualTo(1);
            assertThat(closes).containsExactly("IDLE");
        } finally {
            one.shutdownNow();
            two.shutdownNow();
        }
    }
}
