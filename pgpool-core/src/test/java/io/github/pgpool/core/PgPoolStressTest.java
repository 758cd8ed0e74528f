package io.github.pgpool.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.pgpool.api.Credentials;
import io.github.pgpool.api.PoolSettings;
import io.github.pgpool.api.PoolStatistics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Many threads borrowing and returning with random hold times, two credentials, housekeeping running alongside: the
 * MaxSize invariant is checked at every open and by a sampler throughout, and the books balance at the end.
 */
class PgPoolStressTest {
    private static final int MAX_SIZE = 4;
    private static final int THREADS = 16;
    private static final int ROUNDS = 1_500;

    @Test
    @Timeout(60)
    void maxSizeHoldsUnderAnyInterleavingAndTheCountersBalance() throws Exception {
        AtomicInteger open = new AtomicInteger();
        AtomicInteger peak = new AtomicInteger();
        StubFactory stubs = new StubFactory();
        ConnectionFactory counting = credentials -> {
            int now = open.incrementAndGet();
            peak.accumulateAndGet(now, Math::max);
            java.sql.Connection c = stubs.open(credentials);
            return (java.sql.Connection) java.lang.reflect.Proxy.newProxyInstance(getClass().getClassLoader(),
                    new Class<?>[] {java.sql.Connection.class}, (p, m, args) -> {
                        if (m.getName().equals("close") && !stubs.stubOfProxy(c).closed) {
                            open.decrementAndGet();
                        }
                        return m.invoke(c, args);
                    });
        };
        PoolSettings settings = PoolSettings.builder().databaseName("stress").poolName("stress").maxSize(MAX_SIZE)
                .maxWait(Duration.ofSeconds(30)).expires(Duration.ofMillis(200)).cleanup(Duration.ofMillis(50))
                .validateIdle(Duration.ofMillis(5)).build();
        PgPool pool = PgPool.builder(settings).connectionFactory(counting).build();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        AtomicInteger sampledMax = new AtomicInteger();
        Credentials[] who = {settings.defaultCredentials(), Credentials.of("other", "")};

        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            Thread w = new Thread(() -> {
                ThreadLocalRandom r = ThreadLocalRandom.current();
                try {
                    for (int i = 0; i < ROUNDS; i++) {
                        PooledConnection c = pool.borrow(who[r.nextInt(10) == 0 ? 1 : 0]);
                        if (r.nextInt(4) == 0) {
                            LockSupport.parkNanos(r.nextLong(200_000));
                        }
                        if (r.nextInt(50) == 0) {
                            c.markBroken();
                        }
                        c.release();
                    }
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            }, "stress-" + t);
            workers.add(w);
            w.start();
        }
        Thread sampler = new Thread(() -> {
            while (workers.stream().anyMatch(Thread::isAlive)) {
                PoolStatistics s = pool.statistics();
                sampledMax.accumulateAndGet(Math.max(s.total(), open.get()), Math::max);
                if (s.active() + s.idle() > s.total() || s.total() > MAX_SIZE) {
                    failure.compareAndSet(null, new AssertionError("inconsistent: " + s));
                }
                Thread.yield();
            }
        }, "sampler");
        sampler.start();
        for (Thread w : workers) {
            w.join();
        }
        sampler.join();

        assertThat(failure.get()).isNull();
        assertThat(peak.get()).as("physical connections open at once").isLessThanOrEqualTo(MAX_SIZE);
        assertThat(sampledMax.get()).isLessThanOrEqualTo(MAX_SIZE);
        PoolStatistics s = pool.statistics();
        assertThat(s.active()).isZero();
        assertThat(s.waiting()).isZero();
        assertThat(s.timeouts()).isZero();
        assertThat(s.borrows()).isEqualTo((long) THREADS * ROUNDS);
        assertThat(s.created() - s.closed()).isEqualTo(s.total()).isEqualTo(open.get());
        assertThat(s.closedBroken()).isPositive();
        pool.close();
        assertThat(open.get()).isZero();
    }

    /**
     * Short loans by many threads on few connections, so that the lock is busy and returns race with borrowers that
     * start to wait: no connection is ever lent to two borrowers at once, and none is left idle while somebody waits
     * (that would show as a timeout: MaxWait is far longer than the whole run needs).
     */
    @Test
    @Timeout(60)
    void aConnectionIsNeverLentTwiceAndNeverStrandedWhileSomebodyWaits() throws Exception {
        PoolSettings settings = PoolSettings.builder().databaseName("stress").poolName("stress-short").maxSize(3)
                .maxWait(Duration.ofSeconds(20)).build();
        PgPool pool = PgPool.builder(settings).connectionFactory(new StubFactory()).jmx(false).build();
        ConcurrentHashMap<PooledConnection, Thread> holders = new ConcurrentHashMap<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        int rounds = 20_000;
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            Thread w = new Thread(() -> {
                ThreadLocalRandom r = ThreadLocalRandom.current();
                try {
                    for (int i = 0; i < rounds; i++) {
                        PooledConnection c = pool.borrow();
                        Thread other = holders.putIfAbsent(c, Thread.currentThread());
                        if (other != null) {
                            throw new AssertionError(c + " lent to " + Thread.currentThread().getName()
                                    + " while " + other.getName() + " holds it");
                        }
                        if (r.nextInt(64) == 0) {
                            Thread.yield();
                        }
                        holders.remove(c);
                        c.release();
                    }
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            }, "short-" + t);
            workers.add(w);
            w.start();
        }
        for (Thread w : workers) {
            w.join();
        }
        assertThat(failure.get()).isNull();
        PoolStatistics s = pool.statistics();
        assertThat(s.timeouts()).isZero();
        assertThat(s.borrows()).isEqualTo((long) THREADS * rounds);
        assertThat(s.active()).isZero();
        assertThat(s.waiting()).isZero();
        assertThat(s.idle()).isEqualTo(s.total()).isLessThanOrEqualTo(3);
        assertThat(s.created()).isEqualTo(s.total());
        pool.close();
    }

    /**
     * The same promise at the settings a user gets (MaxSize 20, MaxWait 10 s), with three borrowers a connection and
     * loans from nothing to two milliseconds, so that the queue switches between its modes and connections are both
     * left idle for the head (nudges) and handed to it: a nudge lost between one head and the next strands a waiter
     * until its MaxWait, which shows as a timeout or as a wait of seconds in a run where every loan is short.
     */
    @Test
    @Timeout(60)
    void atTheDefaultSettingsNoBorrowerWaitsWhileAConnectionIsFree() throws Exception {
        PoolSettings settings = PoolSettings.builder().databaseName("stress").poolName("stress-defaults").build();
        PgPool pool = PgPool.builder(settings).connectionFactory(new StubFactory()).jmx(false).build();
        int threads = 3 * settings.maxSize();
        long runUntil = System.nanoTime() + 3_000_000_000L; // the length of the workload, not a synchronisation
        AtomicReference<Throwable> failure = new AtomicReference<>();
        java.util.concurrent.atomic.AtomicLong longest = new java.util.concurrent.atomic.AtomicLong();
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Thread w = new Thread(() -> {
                ThreadLocalRandom r = ThreadLocalRandom.current();
                try {
                    while (System.nanoTime() - runUntil < 0) {
                        long asked = System.nanoTime();
                        PooledConnection c = pool.borrow();
                        longest.accumulateAndGet(System.nanoTime() - asked, Math::max);
                        long hold = r.nextInt(4) == 0 ? r.nextLong(2_000_000L) : 0; // a quarter of loans do work
                        long until = System.nanoTime() + hold;
                        while (System.nanoTime() - until < 0) {
                            Thread.onSpinWait();
                        }
                        c.release();
                    }
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            }, "defaults-" + t);
            workers.add(w);
            w.start();
        }
        for (Thread w : workers) {
            w.join();
        }
        PoolStatistics s = pool.statistics();
        pool.close();
        assertThat(failure.get()).isNull();
        assertThat(s.timeouts()).isZero();
        assertThat(s.waiting()).isZero();
        // Loans of at most 2 ms, 60 borrowers on 20 connections: a fair wait is milliseconds; a stranded one lasts
        // until something else happens to wake it. 2 s is the allowance for a busy machine's scheduler.
        assertThat(longest.get()).as("longest wait, ns").isLessThan(2_000_000_000L);
    }
}
