package io.github.pgpool.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.pgpool.api.CloseReason;
import io.github.pgpool.api.Credentials;
import io.github.pgpool.api.PoolClosedException;
import io.github.pgpool.api.PoolListener;
import io.github.pgpool.api.PoolSettings;
import io.github.pgpool.api.PoolStatistics;
import io.github.pgpool.api.PoolTimeoutException;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The pool algorithm, deterministically: a stub connection source, a clock moved by the test and housekeeping run
 * by hand. No real time passes in these tests except where a second thread has to reach its wait.
 */
class PgPoolTest {
    private static final Duration SECOND = Duration.ofSeconds(1);

    private final StubFactory factory = new StubFactory();
    private final ManualScheduler scheduler = new ManualScheduler();
    private final List<Thread> threads = new ArrayList<>();
    private final List<String> events = new CopyOnWriteArrayList<>();
    private PgPool pool;

    private PgPool pool(FakeClock clock, Consumer<PoolSettings.Builder> settings) {
        PoolSettings.Builder b = PoolSettings.builder().databaseName("test").poolName("unit").user("app")
                .maxSize(2).maxWait(Duration.ofSeconds(10)).expires(Duration.ofSeconds(300))
                .cleanup(Duration.ofSeconds(20));
        settings.accept(b);
        pool = PgPool.builder(b.build()).connectionFactory(factory).clock(clock).scheduler(scheduler)
                .random(() -> 0.0).listener(new PoolListener() {
                    @Override
                    public void connectionClosed(String poolName, CloseReason reason) {
                        events.add("closed:" + reason);
                    }

                    @Override
                    public void leakSuspected(String poolName, Duration held, Throwable borrowedAt) {
                        events.add("leak:" + held.toMillis() + ":" + borrowedAt.getStackTrace()[0]);
                    }
                }).build();
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

    /** Borrows on another thread; the future completes with the connection or the exception. */
    private CompletableFuture<PooledConnection> borrowInBackground(String name, Credentials credentials) {
        CompletableFuture<PooledConnection> result = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                result.complete(credentials == null ? pool.borrow() : pool.borrow(credentials));
            } catch (Throwable e) {
                result.completeExceptionally(e);
            }
        }, name);
        threads.add(t);
        t.start();
        Await.parked(t);
        return result;
    }

    private static PooledConnection get(CompletableFuture<PooledConnection> f) throws Exception {
        return f.get(10, TimeUnit.SECONDS);
    }

    @Test
    void startsEmptyAndGrowsOnDemand() throws Exception {
        pool(FakeClock.manual(), b -> b.maxSize(5));
        assertThat(pool.statistics().total()).isZero();
        assertThat(factory.attempts).hasValue(0);

        PooledConnection a = pool.borrow();
        PooledConnection b = pool.borrow();
        assertThat(pool.statistics()).extracting(PoolStatistics::total, PoolStatistics::active)
                .containsExactly(2, 2);
        a.release();
        b.release();
        assertThat(pool.statistics()).extracting(PoolStatistics::total, PoolStatistics::idle, PoolStatistics::created)
                .containsExactly(2, 2, 2L);
    }

    @Test
    void reusesTheMostRecentlyUsedConnectionFirst() throws Exception {
        pool(FakeClock.manual(), b -> b.maxSize(3));
        PooledConnection a = pool.borrow();
        PooledConnection b = pool.borrow();
        PooledConnection c = pool.borrow();
        a.release();
        c.release();
        b.release();
        assertThat(pool.borrow()).isSameAs(b);
        assertThat(pool.borrow()).isSameAs(c);
        assertThat(pool.borrow()).isSameAs(a);
    }

    @Test
    void neverExceedsMaxSizeAndMakesTheNextBorrowerWait() throws Exception {
        pool(FakeClock.manual(), b -> b.maxSize(2));
        PooledConnection a = pool.borrow();
        pool.borrow();
        CompletableFuture<PooledConnection> third = borrowInBackground("third", null);
        assertThat(pool.statistics().waiting()).isEqualTo(1);
        assertThat(factory.attempts).hasValue(2);
        assertThat(third).isNotDone();

        a.release();
        assertThat(get(third)).isSameAs(a);
        assertThat(factory.attempts).hasValue(2);
        assertThat(pool.statistics()).extracting(PoolStatistics::total, PoolStatistics::active,
                PoolStatistics::waiting).containsExactly(2, 2, 0);
    }

    @Test
    void servesWaitersFirstComeFirstServedAndNewcomersQueueBehindThem() throws Exception {
        pool(FakeClock.manual(), b -> b.maxSize(1));
        PooledConnection only = pool.borrow();
        CompletableFuture<PooledConnection> first = borrowInBackground("first", null);
        CompletableFuture<PooledConnection> second = borrowInBackground("second", null);
        CompletableFuture<PooledConnection> third = borrowInBackground("third", null);
        assertThat(pool.statistics().waiting()).isEqualTo(3);

        only.release();
        PooledConnection c1 = get(first);
        assertThat(second).isNotDone();
        assertThat(third).isNotDone();
        c1.release();
        PooledConnection c2 = get(second);
        assertThat(third).isNotDone();
        c2.release();
        get(third).release();
        assertThat(factory.attempts).hasValue(1);
    }

    @Test
    void aReturnedConnectionGoesToTheWaiterNotToABargingNewcomer() throws Exception {
        FakeClock clock = FakeClock.manual();
        pool(clock, b -> b.maxSize(1));
        PooledConnection only = pool.borrow();
        CompletableFuture<PooledConnection> waiter = borrowInBackground("waiter", null);
        clock.advance(Duration.ofMillis(1)); // the waiter has waited the queue's bound: the queue starves
        Await.until("the queue to starve", Duration.ofSeconds(10), pool::queueStarves);
        only.release();
        // The connection was handed over inside release(): the newcomer finds nothing idle and must queue.
        assertThat(pool.statistics().idle()).isZero();
        CompletableFuture<PooledConnection> newcomer = borrowInBackground("newcomer", null);
        assertThat(get(waiter)).isSameAs(only);
        assertThat(newcomer).isNotDone();
        only.release();
        get(newcomer).release();
    }

    @Test
    void timesOutAfterMaxWaitWithACountingMessageAndServesTheNextRequest() throws Exception {
        FakeClock clock = FakeClock.manual();
        pool(clock, b -> b.maxSize(1).maxWait(Duration.ofSeconds(2)));
        PooledConnection only = pool.borrow();
        CompletableFuture<PooledConnection> waiter = borrowInBackground("waiter", null);

        clock.advance(Duration.ofMillis(1999));
        Await.parked(threads.get(0));
        assertThat(waiter).isNotDone();
        clock.advance(Duration.ofMillis(1));

        assertThatThrownBy(() -> get(waiter)).isInstanceOf(ExecutionException.class)
                .cause().isInstanceOf(PoolTimeoutException.class)
                .isInstanceOf(java.sql.SQLTransientConnectionException.class)
                .hasMessageContaining("pgpool unit")
                .hasMessageContaining("after waiting 2000ms")
                .hasMessageContaining("total=1, active=1, idle=0, waiting=0, maxSize=1");
        assertThat(pool.statistics().timeouts()).isEqualTo(1);

        only.release();
        assertThat(pool.borrow()).isSameAs(only);
    }

    @Test
    void chainsTheLastConnectionFailureToTheTimeout() {
        FakeClock clock = FakeClock.autoAdvancing();
        pool(clock, b -> b.maxWait(SECOND));
        factory.failForever = true;

        assertThatThrownBy(pool::borrow).isInstanceOf(PoolTimeoutException.class)
                .hasMessageContaining("last connection failure: Connection to 127.0.0.1:5432 refused")
                .cause().isInstanceOf(SQLException.class).hasMessageContaining("refused");
        PoolStatistics s = pool.statistics();
        assertThat(s.total()).as("the slot is given back").isZero();
        assertThat(s.connectFailures()).as("retried with back-off").isGreaterThan(3);
        assertThat(s.connectFailures()).as("back-off, not a busy loop").isLessThan(40);
    }

    @Test
    void retriesOpeningWhileTheDatabaseIsUnreachable() throws Exception {
        pool(FakeClock.autoAdvancing(), b -> b.maxWait(Duration.ofSeconds(5)));
        factory.failuresLeft.set(3);
        PooledConnection c = pool.borrow();
        assertThat(c).isNotNull();
        assertThat(factory.attempts).hasValue(4);
        assertThat(pool.statistics().connectFailures()).isEqualTo(3);
    }

    @Test
    void doesNotRetryARefusedLogin() {
        pool(FakeClock.autoAdvancing(), b -> b.maxWait(Duration.ofSeconds(5)));
        factory.failForever = true;
        factory.failureState = "28P01";
        assertThatThrownBy(pool::borrow).isInstanceOf(SQLException.class)
                .isNotInstanceOf(PoolTimeoutException.class)
                .extracting(e -> ((SQLException) e).getSQLState()).isEqualTo("28P01");
        assertThat(factory.attempts).hasValue(1);
        assertThat(pool.statistics().total()).isZero();
    }

    @Test
    void aFailedOpenGivesItsSlotToTheNextWaiter() throws Exception {
        FakeClock clock = FakeClock.manual();
        pool(clock, b -> b.maxSize(1).maxWait(Duration.ofSeconds(2)));
        factory.failForever = true;
        CompletableFuture<PooledConnection> opener = borrowInBackground("opener", null); // backs off, parked
        CompletableFuture<PooledConnection> waiter = borrowInBackground("waiter", null);
        assertThat(pool.statistics().waiting()).isEqualTo(1);
        factory.failForever = false;
        clock.advance(Duration.ofMillis(500)); // the opener's next attempt succeeds
        PooledConnection c = get(opener);
        c.release();
        assertThat(get(waiter)).isSameAs(c);
    }

    @Test
    void neverLendsAnExpiredConnection() throws Exception {
        FakeClock clock = FakeClock.manual();
        pool(clock, b -> b.expires(Duration.ofSeconds(10)).cleanup(Duration.ZERO));
        PooledConnection old = pool.borrow();
        old.release();
        clock.advance(Duration.ofSeconds(10));

        PooledConnection fresh = pool.borrow();
        assertThat(fresh).isNotSameAs(old);
        assertThat(factory.stubOf(old).closed).isTrue();
        assertThat(pool.statistics().closedExpired()).isEqualTo(1);
        assertThat(pool.statistics().total()).isEqualTo(1);
    }

    @Test
    void closesAConnectionThatExpiredWhileInUseWhenItComesBack() throws Exception {
        FakeClock clock = FakeClock.manual();
        pool(clock, b -> b.expires(Duration.ofSeconds(10)));
        PooledConnection c = pool.borrow();
        clock.advance(Duration.ofSeconds(11));
        assertThat(factory.stubOf(c).closed).as("not closed under the borrower's feet").isFalse();
        c.release();
        assertThat(factory.stubOf(c).closed).isTrue();
        assertThat(pool.statistics()).extracting(PoolStatistics::total, PoolStatistics::closedExpired)
                .containsExactly(0, 1L);
    }

    @Test
    void housekeepingClosesIdleConnectionsPastExpires() throws Exception {
        FakeClock clock = FakeClock.manual();
        pool(clock, b -> b.expires(Duration.ofSeconds(10)).cleanup(Duration.ZERO));
        pool.borrow().release();
        clock.advance(Duration.ofSeconds(9));
        pool.housekeep();
        assertThat(pool.statistics().total()).isEqualTo(1);
        clock.advance(SECOND);
        pool.housekeep();
        assertThat(pool.statistics()).extracting(PoolStatistics::total, PoolStatistics::closedExpired)
                .containsExactly(0, 1L);
    }

    @Test
    void expiryJitterTakesAtMostTwoAndAHalfPercentOffTheLifetime() throws Exception {
        FakeClock clock = FakeClock.manual();
        PoolSettings s = PoolSettings.builder().databaseName("test").expires(Duration.ofSeconds(100))
                .cleanup(Duration.ZERO).build();
        pool = PgPool.builder(s).connectionFactory(factory).clock(clock).scheduler(scheduler)
                .random(() -> 0.999_999).build();
        pool.borrow().release();
        clock.advance(Duration.ofMillis(97_500));
        pool.housekeep();
        assertThat(pool.statistics().total()).as("alive before 97.5%% of Expires").isEqualTo(1);
        clock.advance(Duration.ofMillis(1));
        pool.housekeep();
        assertThat(pool.statistics().closedExpired()).as("expired at 97.5%% of Expires with maximal jitter")
                .isEqualTo(1);
    }

    @Test
    void expiryJitterSpreadsConnectionsOpenedTogether() throws Exception {
        PoolSettings s = PoolSettings.builder().databaseName("test").maxSize(20).expires(Duration.ofSeconds(100))
                .build();
        pool = PgPool.builder(s).connectionFactory(factory).clock(FakeClock.manual()).scheduler(scheduler).build();
        List<Long> expiries = new ArrayList<>();
        List<PooledConnection> held = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            PooledConnection c = pool.borrow();
            held.add(c);
            expiries.add(c.expiresAt() - c.createdAt());
        }
        assertThat(expiries).allSatisfy(life -> assertThat(life).isBetween(97_500_000_000L, 100_000_000_000L));
        assertThat(expiries.stream().distinct().count()).as("not all the same").isGreaterThan(10);
        held.forEach(PooledConnection::release);
    }

    @Test
    void cleanupClosesIdleConnectionsSoThePoolShrinksToNothing() throws Exception {
        FakeClock clock = FakeClock.manual();
        pool(clock, b -> b.maxSize(3).cleanup(Duration.ofSeconds(20)));
        List<PooledConnection> burst = List.of(pool.borrow(), pool.borrow(), pool.borrow());
        burst.forEach(PooledConnection::release);

        clock.advance(Duration.ofSeconds(19));
        pool.housekeep();
        assertThat(pool.statistics().total()).isEqualTo(3);
        clock.advance(SECOND);
        pool.housekeep();
        assertThat(pool.statistics()).extracting(PoolStatistics::total, PoolStatistics::closedIdle)
                .containsExactly(0, 3L);
        assertThat(factory.open()).isZero();
        assertThat(events).containsExactly("closed:IDLE", "closed:IDLE", "closed:IDLE");
    }

    @Test
    void surplusConnectionsAgeOutWhileTheBusiestOneStays() throws Exception {
        FakeClock clock = FakeClock.manual();
        pool(clock, b -> b.maxSize(3).cleanup(Duration.ofSeconds(20)));
        List<PooledConnection> burst = List.of(pool.borrow(), pool.borrow(), pool.borrow());
        burst.forEach(PooledConnection::release);
        for (int i = 0; i < 30; i++) { // light traffic: one request a second
            clock.advance(SECOND);
            pool.borrow().release();
            pool.housekeep();
        }
        assertThat(pool.statistics()).extracting(PoolStatistics::total, PoolStatistics::closedIdle)
                .containsExactly(1, 2L);
    }

    @Test
    void housekeepingPeriodIsAQuarterOfTheShortestLimit() {
        pool(FakeClock.manual(), b -> b.cleanup(Duration.ofSeconds(20)).expires(Duration.ofSeconds(300)));
        assertThat(scheduler.period).isEqualTo(Duration.ofSeconds(5));
        assertThat(PgPool.housekeepingPeriod(PoolSettings.builder().databaseName("x").cleanup(SECOND).build()))
                .isEqualTo(Duration.ofMillis(250));
        assertThat(PgPool.housekeepingPeriod(PoolSettings.builder().databaseName("x")
                .cleanup(Duration.ofMillis(100)).build())).isEqualTo(Duration.ofMillis(50));
    }

    @Test
    void keepsCredentialsApart() throws Exception {
        pool(FakeClock.manual(), b -> b.maxSize(3));
        Credentials alice = Credentials.of("alice", "a-secret");
        Credentials bob = Credentials.of("bob", "b-secret");
        PooledConnection a = pool.borrow(alice);
        a.release();
        PooledConnection b = pool.borrow(bob);
        assertThat(b).isNotSameAs(a);
        assertThat(b.credentials()).isEqualTo(bob);
        assertThat(factory.stubOf(b).user).isEqualTo("bob");
        b.release();
        assertThat(pool.borrow(Credentials.of("alice", "a-secret"))).isSameAs(a);
        assertThat(pool.borrow(Credentials.of("alice", "other"))).as("same user, other password").isNotSameAs(a);
    }

    @Test
    void atCapacityAnIdleConnectionOfAnotherUserMakesRoom() throws Exception {
        pool(FakeClock.manual(), b -> b.maxSize(1));
        PooledConnection a = pool.borrow(Credentials.of("alice", ""));
        a.release();
        PooledConnection b = pool.borrow(Credentials.of("bob", ""));
        assertThat(factory.stubOf(a).closed).isTrue();
        assertThat(b.credentials().user()).isEqualTo("bob");
        assertThat(pool.statistics()).extracting(PoolStatistics::total, PoolStatistics::closedEvicted)
                .containsExactly(1, 1L);
    }

    @Test
    void aWaiterWithOtherCredentialsGetsTheSlotOfAReturnedConnection() throws Exception {
        pool(FakeClock.manual(), b -> b.maxSize(1));
        PooledConnection a = pool.borrow(Credentials.of("alice", ""));
        CompletableFuture<PooledConnection> bob = borrowInBackground("bob", Credentials.of("bob", ""));
        a.release();
        PooledConnection b = get(bob);
        assertThat(b.credentials().user()).isEqualTo("bob");
        assertThat(factory.stubOf(a).closed).isTrue();
        assertThat(pool.statistics().total()).isEqualTo(1);
    }

    @Test
    void aBrokenConnectionIsClosedAndIdleOnesAreValidatedBeforeReuse() throws Exception {
        FakeClock clock = FakeClock.manual();
        pool(clock, b -> b.maxSize(2).validateIdle(Duration.ofSeconds(60)));
        PooledConnection a = pool.borrow();
        PooledConnection b = pool.borrow();
        b.release();
        factory.stubOf(b).valid = false; // the database restarted: b died too, silently
        clock.advance(SECOND);

        assertThat(a.noteError(new SQLException("terminating connection due to administrator command", "57P01")))
                .isTrue();
        a.release();
        assertThat(factory.stubOf(a).closed).isTrue();

        PooledConnection next = pool.borrow();
        assertThat(factory.stubOf(b).validations).as("b was checked although idle only 1s").isEqualTo(1);
        assertThat(next).isNotSameAs(a).isNotSameAs(b);
        assertThat(pool.statistics().closedBroken()).isEqualTo(2);
        assertThat(pool.statistics().total()).isEqualTo(1);
    }

    @Test
    void aConnectionGivenBackCleanJustAfterAFatalErrorIsCheckedBeforeItGoesToAWaiter() throws Exception {
        FakeClock clock = FakeClock.manual();
        pool(clock, b -> b.maxSize(2).validateIdle(Duration.ofSeconds(60)));
        PooledConnection failed = pool.borrow();
        PooledConnection alsoKilled = pool.borrow();
        CompletableFuture<PooledConnection> waiter = borrowInBackground("waiter", null);
        factory.stubOf(alsoKilled).valid = false; // the restart killed it too, silently
        failed.noteError(new SQLException("terminating connection due to administrator command", "57P01"));
        clock.advance(Duration.ofMillis(1));
        alsoKilled.release(); // given back clean a moment after the fatal error: handed to the waiter
        PooledConnection got = get(waiter);
        assertThat(got).isNotSameAs(alsoKilled).isNotSameAs(failed);
        assertThat(factory.stubOf(alsoKilled).validations).as("checked before it was lent").isEqualTo(1);
        assertThat(factory.stubOf(alsoKilled).closed).isTrue();
        failed.release();
        got.release();
        assertThat(pool.statistics().closedBroken()).isEqualTo(2);
    }

    @Test
    void aConnectionIdleLongerThanValidateIdleIsCheckedBeforeItIsLent() throws Exception {
        FakeClock clock = FakeClock.manual();
        pool(clock, b -> b.validateIdle(SECOND));
        PooledConnection c = pool.borrow();
        c.release();
        clock.advance(Duration.ofMillis(999));
        assertThat(pool.borrow()).isSameAs(c);
        assertThat(factory.stubOf(c).validations).isZero();
        c.release();
        clock.advance(SECOND);
        assertThat(pool.borrow()).isSameAs(c);
        assertThat(factory.stubOf(c).validations).isEqualTo(1);
    }

    @Test
    void aCancelledQueryIsNotFatal() throws Exception {
        pool(FakeClock.manual(), b -> { });
        PooledConnection c = pool.borrow();
        assertThat(c.noteError(new SQLException("canceling statement due to user request", "57014"))).isFalse();
        c.release();
        assertThat(pool.borrow()).isSameAs(c);
    }

    @Test
    void returnsConnectionsWithoutAnOpenTransactionAndWithDefaultSettings() throws Exception {
        pool(FakeClock.manual(), b -> { });
        PooledConnection c = pool.borrow();
        StubConnection stub = factory.stubOf(c);
        stub.autoCommit = false;
        stub.readOnly = true;
        c.release();
        assertThat(stub.rollbacks).isEqualTo(1);
        assertThat(stub.autoCommit).isTrue();
        assertThat(stub.readOnly).isFalse();
        assertThat(stub.executed).as("no session-changing statement: no DISCARD ALL").isEmpty();
    }

    @Test
    void discardsSessionStateOnlyAfterAStatementThatMayHaveChangedIt() throws Exception {
        pool(FakeClock.manual(), b -> { });
        PooledConnection c = pool.borrow();
        c.noteSql("SELECT * FROM items WHERE id = ?");
        c.release();
        assertThat(factory.stubOf(c).executed).isEmpty();

        c = pool.borrow();
        c.noteSql("SET search_path TO other");
        c.release();
        assertThat(factory.stubOf(c).executed).containsExactly("DISCARD ALL");

        c = pool.borrow();
        c.release();
        assertThat(factory.stubOf(c).executed).as("notes are cleared after the reset").hasSize(1);
    }

    @Test
    void sessionResetAlwaysDiscardsOnEveryReturn() throws Exception {
        pool(FakeClock.manual(), b -> b.alwaysResetSession(true));
        PooledConnection c = pool.borrow();
        c.release();
        pool.borrow().release();
        assertThat(factory.stubOf(c).executed).containsExactly("DISCARD ALL", "DISCARD ALL");
    }

    @Test
    void releasingTwiceIsAnError() throws Exception {
        pool(FakeClock.manual(), b -> { });
        PooledConnection c = pool.borrow();
        c.release();
        assertThatThrownBy(c::release).isInstanceOf(IllegalStateException.class).hasMessageContaining("twice");
        assertThat(pool.statistics().idle()).isEqualTo(1);
    }

    @Test
    void reportsALeakWithTheBorrowersStackTraceOnce() throws Exception {
        FakeClock clock = FakeClock.manual();
        pool(clock, b -> b.leakThreshold(Duration.ofSeconds(30)));
        PooledConnection c = pool.borrow();
        clock.advance(Duration.ofSeconds(29));
        pool.housekeep();
        assertThat(events).isEmpty();
        clock.advance(SECOND);
        pool.housekeep();
        pool.housekeep();
        assertThat(events).hasSize(1);
        assertThat(events.get(0)).startsWith("leak:30000:").contains("Lender.lendLocked");
        assertThat(pool.statistics().leaks()).isEqualTo(1);
        c.release();
    }

    @Test
    void closeClosesIdleConnectionsNowAndInUseOnesOnReturn() throws Exception {
        pool(FakeClock.manual(), b -> b.maxSize(2));
        PooledConnection idle = pool.borrow();
        PooledConnection busy = pool.borrow();
        idle.release();

        pool.close();
        assertThat(factory.stubOf(idle).closed).isTrue();
        assertThat(factory.stubOf(busy).closed).isFalse();
        assertThatThrownBy(pool::borrow).isInstanceOf(PoolClosedException.class);
        busy.release();
        assertThat(factory.open()).isZero();
        assertThat(pool.statistics()).extracting(PoolStatistics::total, PoolStatistics::closedShutdown)
                .containsExactly(0, 2L);
        assertThat(scheduler.cancelled).isTrue();
        pool.close(); // idempotent
    }

    @Test
    void closeReleasesWaitersWithAClearError() throws Exception {
        pool(FakeClock.manual(), b -> b.maxSize(1));
        PooledConnection busy = pool.borrow();
        CompletableFuture<PooledConnection> waiter = borrowInBackground("waiter", null);
        pool.close();
        assertThatThrownBy(() -> get(waiter)).cause().isInstanceOf(PoolClosedException.class)
                .hasMessageContaining("pgpool unit is closed");
        busy.release();
        assertThat(factory.open()).isZero();
    }

    @Test
    void evictAllReplacesConnectionsGracefully() throws Exception {
        pool(FakeClock.manual(), b -> b.maxSize(2));
        PooledConnection idle = pool.borrow();
        PooledConnection busy = pool.borrow();
        idle.release();
        pool.evictAll();
        assertThat(factory.stubOf(idle).closed).isTrue();
        assertThat(factory.stubOf(busy).closed).isFalse();
        busy.release();
        assertThat(factory.stubOf(busy).closed).isTrue();
        assertThat(pool.statistics().closedEvicted()).isEqualTo(2);
        assertThat(pool.borrow()).isNotSameAs(busy);
    }

    @Test
    void anInterruptedWaiterGivesUpWithTheInterruptFlagSet() throws Exception {
        pool(FakeClock.manual(), b -> b.maxSize(1));
        PooledConnection c = pool.borrow();
        AtomicReference<Boolean> flag = new AtomicReference<>();
        CompletableFuture<PooledConnection> waiter = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                waiter.complete(pool.borrow());
            } catch (Throwable e) {
                flag.set(Thread.currentThread().isInterrupted());
                waiter.completeExceptionally(e);
            }
        }, "interrupted");
        threads.add(t);
        t.start();
        Await.parked(t);
        t.interrupt();
        assertThatThrownBy(() -> get(waiter)).cause().hasMessageContaining("interrupted");
        assertThat(flag.get()).isTrue();
        assertThat(pool.statistics().waiting()).isZero();
        c.release();
        assertThat(pool.statistics().idle()).isEqualTo(1);
    }
}
