package io.github.pgpool.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.pgpool.api.PoolSettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The two modes of the waiter queue ({@link WaiterQueue}): before the longest waiter has waited the bound, a
 * connection given back may go to whoever asks first (the returning thread included); after it, connections go to
 * the head of the queue and newcomers queue behind, until a waiter is served quickly again. Deterministic with the
 * fake clock, then a stress run with real threads that measures how late an overtaking can come.
 */
class PgPoolFairnessTest {
    private final StubFactory factory = new StubFactory();
    private final FakeClock clock = FakeClock.manual();
    private final List<Thread> threads = new ArrayList<>();
    private PgPool pool;

    private PgPool pool(int maxSize) {
        pool = PgPool.builder(PoolSettings.builder().databaseName("test").poolName("fair").maxSize(maxSize)
                .maxWait(Duration.ofSeconds(10)).build()).connectionFactory(factory).clock(clock)
                .scheduler(new ManualScheduler()).jmx(false).build();
        return pool;
    }

    @AfterEach
    void tearDown() throws InterruptedException {
        if (pool != null) {
            pool.close();
        }
        for (Thread t : threads) {
            t.join(10_000);
            assertThat(t.isAlive()).as("%s finished", t.getName()).isFalse();
        }
    }

    private CompletableFuture<PooledConnection> borrowInBackground(String name) {
        CompletableFuture<PooledConnection> result = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                result.complete(pool.borrow());
            } catch (Throwable e) {
                result.completeExceptionally(e);
            }
        }, name);
        threads.add(t);
        t.start();
        Await.parked(t);
        return result;
    }

    @Test
    void beforeTheBoundTheReturningThreadMayTakeItsConnectionAgainAndTheWaiterGetsItNext() throws Exception {
        pool(1);
        PooledConnection only = pool.borrow();
        only.release();
        only = pool.borrow(); // now lent without the lock: it can come back the same way
        CompletableFuture<PooledConnection> waiter = borrowInBackground("waiter");
        assertThat(pool.statistics().waiting()).isEqualTo(1);

        // The waiter needs the lock to look; holding it makes sure the returning thread asks first.
        java.util.concurrent.locks.ReentrantLock lock = pool.lockForTests();
        CompletableFuture<PooledConnection> again;
        java.util.concurrent.CountDownLatch locked = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch unlock = new java.util.concurrent.CountDownLatch(1);
        Thread holder = new Thread(() -> {
            lock.lock();
            try {
                locked.countDown();
                unlock.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                lock.unlock();
            }
        }, "lock-holder");
        threads.add(holder);
        holder.start();
        assertThat(locked.await(10, TimeUnit.SECONDS)).isTrue();
        only.release(); // idle, and the head is nudged to look, but it cannot look before the lock is free
        PooledConnection taken = pool.borrow(); // barging: the waiter has waited 0 ms, less than the bound
        unlock.countDown();
        assertThat(taken).isSameAs(only);
        assertThat(pool.queueStarves()).isFalse();
        assertThat(waiter).isNotDone();

        taken.release(); // idle, and the head is nudged to look: nobody else asks, so it is the waiter's
        assertThat(waiter.get(10, TimeUnit.SECONDS)).isSameAs(only);
        waiter.get().release();
    }

    @Test
    void afterTheBoundReturnsGoToTheHeadAndNewcomersQueueBehindUntilTheQueueIsServedQuicklyAgain() throws Exception {
        pool(1);
        PooledConnection only = pool.borrow();
        CompletableFuture<PooledConnection> first = borrowInBackground("first");
        clock.advance(Duration.ofNanos(WaiterQueue.STARVATION_BOUND_NANOS)); // the head's bound has passed
        Await.until("the queue to starve", Duration.ofSeconds(10), pool::queueStarves);
        Await.parked(threads.get(0));

        only.release(); // handed straight to the head
        assertThat(first.get(10, TimeUnit.SECONDS)).isSameAs(only);
        assertThat(pool.statistics().idle()).isZero();
        assertThat(pool.queueStarves()).as("served after the bound with nobody left: back to normal").isFalse();

        CompletableFuture<PooledConnection> second = borrowInBackground("second");
        clock.advance(Duration.ofNanos(WaiterQueue.STARVATION_BOUND_NANOS));
        Await.until("the queue to starve again", Duration.ofSeconds(10), pool::queueStarves);
        Await.parked(threads.get(1));
        CompletableFuture<PooledConnection> newcomer = borrowInBackground("newcomer"); // queues: the queue starves
        assertThat(pool.statistics().waiting()).isEqualTo(2);

        first.get().release(); // to the head, not to the newcomer
        assertThat(second.get(10, TimeUnit.SECONDS)).isSameAs(only);
        assertThat(newcomer).isNotDone();
        // "second" waited the bound; the newcomer, now head, waited 0 on the fake clock when it is served next:
        // the queue stops starving once that fast service happens.
        second.get().release();
        assertThat(newcomer.get(10, TimeUnit.SECONDS)).isSameAs(only);
        assertThat(pool.queueStarves()).isFalse();
        newcomer.get().release();

        PooledConnection mine = pool.borrow(); // normal mode again: a newcomer takes the idle connection at once
        assertThat(mine).isSameAs(only);
        mine.release();
    }

    @Test
    void aFreedSlotIsTheHeadsEvenBeforeTheBound() throws Exception {
        pool(1);
        PooledConnection only = pool.borrow();
        CompletableFuture<PooledConnection> waiter = borrowInBackground("waiter");
        only.markBroken();
        only.release(); // closed: its slot goes to the head, a newcomer cannot open one past it
        PooledConnection fresh = waiter.get(10, TimeUnit.SECONDS);
        assertThat(fresh).isNotSameAs(only);
        assertThat(factory.opened).hasSize(2);
        fresh.release();
    }

    /**
     * Real threads: a greedy borrower works on the only connection, gives it back and takes it again at once, which
     * in a pool that lets the running thread take a free connection would keep any other borrower waiting for as long
     * as it runs (a woken waiter comes too late every time); a polite borrower asks once in a while. Each polite borrow must be
     * served within the bound plus what the machine's scheduler adds (a generous allowance: this machine may be
     * busy), far less than the greedy run lasts. Without the starving mode the polite borrower waits seconds.
     */
    @Test
    @Timeout(120)
    void greedyBorrowersCannotStarveAWaiter() throws Exception {
        PgPool real = PgPool.builder(PoolSettings.builder().databaseName("test").poolName("fair-stress").maxSize(1)
                .maxWait(Duration.ofSeconds(30)).build()).connectionFactory(factory).jmx(false).build();
        long runNanos = 2_000_000_000L;
        long end = System.nanoTime() + runNanos;
        AtomicReference<Throwable> failure = new AtomicReference<>();
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < 1; t++) {
            workers.add(new Thread(() -> {
                try {
                    while (System.nanoTime() - end < 0) {
                        PooledConnection c = real.borrow();
                        long workUntil = System.nanoTime() + 200_000; // 0.2 ms of work, then straight back
                        while (System.nanoTime() - workUntil < 0) {
                            Thread.onSpinWait();
                        }
                        c.release();
                    }
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            }, "greedy-" + t));
        }
        List<Long> politeWaits = new java.util.concurrent.CopyOnWriteArrayList<>();
        for (int t = 0; t < 1; t++) {
            workers.add(new Thread(() -> {
                try {
                    while (System.nanoTime() - end < -200_000_000L) {
                        LockSupport.parkNanos(50_000_000L); // the pace of a polite request, not a synchronisation
                        long asked = System.nanoTime();
                        PooledConnection c = real.borrow();
                        politeWaits.add(System.nanoTime() - asked);
                        c.release();
                    }
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            }, "polite-" + t));
        }
        workers.forEach(Thread::start);
        for (Thread w : workers) {
            w.join();
        }
        real.close();
        assertThat(failure.get()).isNull();
        long worst = politeWaits.stream().mapToLong(Long::longValue).max().orElseThrow();
        double mean = politeWaits.stream().mapToLong(Long::longValue).average().orElseThrow();
        System.out.printf("[fairness] %d polite borrows beside a greedy thread on MaxSize 1 for %d ms: mean wait "
                + "%.2f ms, longest %.2f ms (bound %.1f ms)%n", politeWaits.size(), runNanos / 1_000_000,
                mean / 1e6, worst / 1e6, WaiterQueue.STARVATION_BOUND_NANOS / 1e6);
        assertThat(politeWaits).hasSizeGreaterThan(10);
        // 0.5 s of scheduler allowance (242 ms seen on a loaded machine): a starved polite borrower would wait for
        // the rest of the greedy run, about 1.8 s.
        assertThat(worst).as("ns a polite borrower waited").isLessThan(WaiterQueue.STARVATION_BOUND_NANOS
                + 500_000_000L);
    }
}
