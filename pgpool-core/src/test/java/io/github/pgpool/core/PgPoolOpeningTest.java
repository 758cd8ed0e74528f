package io.github.pgpool.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.pgpool.api.Credentials;
import io.github.pgpool.api.PoolClosedException;
import io.github.pgpool.api.PoolListener;
import io.github.pgpool.api.PoolSettings;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What happens to the pool while a physical connection is being opened: the pool is closed, or told to evict every
 * connection, between the start of the connect and its end. The connect is held at a gate by the test.
 */
class PgPoolOpeningTest {
    private final GatedFactory factory = new GatedFactory();
    private final List<String> events = new CopyOnWriteArrayList<>();
    private PgPool pool;
    private Thread borrower;

    private PgPool pool() {
        PoolSettings settings = PoolSettings.builder().databaseName("test").poolName("opening").maxSize(1)
                .maxWait(Duration.ofSeconds(10)).build();
        pool = PgPool.builder(settings).connectionFactory(factory).clock(FakeClock.manual())
                .scheduler(new ManualScheduler()).jmx(false).listener(new PoolListener() {
                    @Override
                    public void connectionFailed(String poolName, Throwable error) {
                        events.add("failed:" + error);
                    }

                    @Override
                    public void connectionCreated(String poolName, Credentials credentials) {
                        events.add("created");
                    }
                }).build();
        return pool;
    }

    @AfterEach
    void tearDown() throws InterruptedException {
        factory.gate.countDown();
        if (pool != null) {
            pool.close();
        }
        if (borrower != null) {
            borrower.join(10_000);
            assertThat(borrower.isAlive()).isFalse();
        }
    }

    /** Starts a borrower and returns once it is inside the connection factory, held at the gate. */
    private CompletableFuture<PooledConnection> borrowUntilTheConnectIsUnderWay() throws InterruptedException {
        CompletableFuture<PooledConnection> result = new CompletableFuture<>();
        borrower = new Thread(() -> {
            try {
                result.complete(pool.borrow());
            } catch (Throwable e) {
                result.completeExceptionally(e);
            }
        }, "borrower");
        borrower.start();
        assertThat(factory.entered.await(10, TimeUnit.SECONDS)).as("the connect began").isTrue();
        return result;
    }

    @Test
    void closingThePoolWhileAConnectionIsBeingOpenedFreesItsSlotOnceAndClosesTheConnection() throws Exception {
        pool();
        CompletableFuture<PooledConnection> borrowed = borrowUntilTheConnectIsUnderWay();

        pool.close();
        factory.gate.countDown();

        try {
            borrowed.get(10, TimeUnit.SECONDS);
            throw new AssertionError("the borrower got a connection from a closed pool");
        } catch (ExecutionException e) {
            assertThat(e.getCause()).isInstanceOf(PoolClosedException.class);
        }
        assertThat(pool.statistics().total()).as("slots counted").isZero();
        assertThat(factory.stub.open()).as("physical connections left open").isZero();
        assertThat(events).as("a closed pool is not a failed connect").isEmpty();
    }

    @Test
    void aConnectionBeingOpenedWhenEverythingIsEvictedIsNeverLent() throws Exception {
        pool();
        CompletableFuture<PooledConnection> borrowed = borrowUntilTheConnectIsUnderWay();

        pool.evictAll(); // e.g. after a failover: the connect under way may reach the old server
        factory.gate.countDown();

        PooledConnection pc = borrowed.get(10, TimeUnit.SECONDS);
        assertThat(factory.stub.opened).hasSize(2);
        assertThat(factory.stub.opened.get(0).closed).as("the connection opened across the eviction").isTrue();
        assertThat(pc.connection()).isSameAs(factory.stub.opened.get(1).proxy);
        assertThat(pool.statistics().total()).isEqualTo(1);
        pc.release();
    }

    /** Opens stub connections, but holds every connect at a gate until the test opens it. */
    private static final class GatedFactory implements ConnectionFactory {
        final StubFactory stub = new StubFactory();
        final CountDownLatch entered = new CountDownLatch(1);
        final CountDownLatch gate = new CountDownLatch(1);

        @Override
        public Connection open(Credentials credentials) throws SQLException {
            entered.countDown();
            try {
                if (!gate.await(10, TimeUnit.SECONDS)) {
                    throw new SQLException("the test never opened the gate", "08001");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SQLException("interrupted at the gate", "08001", e);
            }
            return stub.open(credentials);
        }
    }
}
