package io.github.pgpool.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.pgpool.api.Credentials;
import io.github.pgpool.api.PoolClosedException;
import io.github.pgpool.api.PoolSettings;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link PgPool#replaceWith}, deterministically with stub connections: the successor counts the retired pool's open
 * connections against its MaxSize until they are closed (idle ones at once, those in use when they come back), the
 * retired pool's borrowers and waiters move on to the successor, and its default credentials become the successor's.
 */
class PoolSuccessionTest {
    private final StubFactory stubs = new StubFactory();
    /** The password each physical connection logged in with, in opening order. */
    private final List<String> passwords = new CopyOnWriteArrayList<>();
    private final ConnectionFactory factory = new ConnectionFactory() {
        @Override
        public Connection open(Credentials credentials) throws SQLException {
            passwords.add(credentials.password());
            return stubs.open(credentials);
        }
    };
    private final ManualScheduler scheduler = new ManualScheduler();
    private final List<PgPool> pools = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();

    private static PoolSettings settings(int maxSize, String password) {
        return PoolSettings.builder().databaseName("test").poolName("unit").user("app").password(password)
                .maxSize(maxSize).maxWait(Duration.ofSeconds(10)).build();
    }

    private PgPool start(int maxSize) {
        PgPool p = PgPool.builder(settings(maxSize, "old")).connectionFactory(factory).clock(FakeClock.manual())
                .scheduler(scheduler).jmx(false).build();
        pools.add(p);
        return p;
    }

    private PgPool replace(PgPool p, int maxSize, String password) throws PoolClosedException {
        PgPool next = p.replaceWith(settings(maxSize, password));
        pools.add(next);
        return next;
    }

    @AfterEach
    void tearDown() throws InterruptedException {
        for (PgPool p : pools) {
            p.close();
        }
        for (Thread t : threads) {
            t.join(10_000);
            assertThat(t.isAlive()).as("%s finished", t.getName()).isFalse();
        }
    }

    private CompletableFuture<PooledConnection> borrowInBackground(PgPool p) {
        CompletableFuture<PooledConnection> result = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                result.complete(p.borrow());
            } catch (Throwable e) {
                result.completeExceptionally(e);
            }
        }, "borrower-" + threads.size());
        threads.add(t);
        t.start();
        return result;
    }

    @Test
    void lowerMaxSizeCountsTheOldConnectionsUntilTheyAreBack() throws Exception {
        PgPool old = start(4);
        List<PooledConnection> held = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            held.add(old.borrow());
        }
        held.remove(3).release();
        held.remove(2).release(); // 2 idle, 2 in use
        assertThat(stubs.open()).isEqualTo(4);

        PgPool next = replace(old, 2, "old");
        assertThat(stubs.open()).as("idle connections of the retired pool are closed at once").isEqualTo(2);
        assertThat(old.isClosed()).isTrue();
        assertThat(old.successor()).containsSame(next);

        // Both of the new MaxSize's slots are still held by the old pool's connections in use: a borrower waits.
        CompletableFuture<PooledConnection> waiting = borrowInBackground(next);
        Await.until("the borrower waits", Duration.ofSeconds(10), () -> next.statistics().waiting() == 1);
        assertThat(stubs.open()).isEqualTo(2);
        io.github.pgpool.api.PoolStatistics seen = next.statistics();
        assertThat(seen.total()).as("the old connections in use count here").isEqualTo(2);
        assertThat(seen.active()).isEqualTo(2);
        assertThat(seen.idle()).isZero();

        held.remove(1).release(); // closed on return; its slot goes to the waiter of the successor
        PooledConnection served = waiting.get(10, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(stubs.open()).as("one old connection in use, one new").isEqualTo(2);

        held.remove(0).release();
        assertThat(stubs.open()).isEqualTo(1);
        PooledConnection second = next.borrow();
        assertThat(stubs.open()).as("the new MaxSize once the old connections are back").isEqualTo(2);
        assertThat(stubs.attempts.get()).isEqualTo(6);
        served.release();
        second.release();
        assertThat(next.statistics().total()).isEqualTo(2);
    }

    @Test
    void higherMaxSizeOpensOnlyWhatTheOldConnectionsLeave() throws Exception {
        PgPool old = start(2);
        PooledConnection a = old.borrow();
        PooledConnection b = old.borrow();
        PgPool next = replace(old, 3, "old");
        PooledConnection c = next.borrow();
        assertThat(stubs.open()).isEqualTo(3);
        CompletableFuture<PooledConnection> waiting = borrowInBackground(next);
        Await.until("the fourth borrower waits", Duration.ofSeconds(10), () -> next.statistics().waiting() == 1);
        a.release();
        waiting.get(10, java.util.concurrent.TimeUnit.SECONDS).release();
        b.release();
        c.release();
        assertThat(stubs.open()).as("at most the larger MaxSize at any time, the new one now").isEqualTo(2);
    }

    @Test
    void borrowersAndWaitersOfTheRetiredPoolAreServedByTheSuccessorWithItsPassword() throws Exception {
        PgPool old = start(1);
        PooledConnection only = old.borrow();
        CompletableFuture<PooledConnection> waiting = borrowInBackground(old);
        Await.until("a waiter in the old pool", Duration.ofSeconds(10), () -> old.statistics().waiting() == 1);

        PgPool next = replace(old, 1, "new");
        assertThat(waiting).as("the waiter is not failed").isNotCompletedExceptionally();
        only.release(); // closed: the successor's slot goes to the moved waiter
        PooledConnection moved = waiting.get(10, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(moved.credentials().password()).isEqualTo("new");
        moved.release();

        PooledConnection late = old.borrow(); // a caller that still holds the old pool
        assertThat(late.credentials()).isEqualTo(next.settings().defaultCredentials());
        late.release();
        assertThat(passwords).containsExactly("old", "new");
        assertThat(stubs.open()).isEqualTo(1);
    }

    @Test
    void slotsFollowAChainOfReplacements() throws Exception {
        PgPool first = start(3);
        PooledConnection a = first.borrow();
        PooledConnection b = first.borrow();
        PgPool second = replace(first, 3, "old");
        PooledConnection c = second.borrow();
        PgPool third = replace(second, 3, "old");
        CompletableFuture<PooledConnection> waiting = borrowInBackground(third);
        Await.until("3 slots held by the two predecessors: the borrower waits", Duration.ofSeconds(10),
                () -> third.statistics().waiting() == 1);
        a.release(); // the first pool's slot reaches the third through the second
        PooledConnection d = waiting.get(10, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(stubs.open()).isEqualTo(3);
        b.release();
        c.release();
        PooledConnection e = third.borrow();
        PooledConnection f = third.borrow();
        assertThat(stubs.open()).isEqualTo(3);
        d.release();
        e.release();
        f.release();
        assertThat(third.statistics().total()).isEqualTo(3);
    }

    @Test
    void aClosedPoolCannotBeReplaced() {
        PgPool p = start(1);
        p.close();
        assertThatThrownBy(() -> p.replaceWith(settings(2, "x"))).isInstanceOf(PoolClosedException.class);
    }
}
