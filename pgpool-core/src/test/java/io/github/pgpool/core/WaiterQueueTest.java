package io.github.pgpool.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.pgpool.api.Credentials;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The nudge of the {@link WaiterQueue} (a connection became idle while borrowers wait, so the head should look) on
 * its way from one head to the next, with real parked threads on the fake clock (time does not move: nothing here
 * ends by the bound or MaxWait).
 */
@Timeout(30)
class WaiterQueueTest {
    private static final long MAX_WAIT = Duration.ofSeconds(10).toNanos();
    private final FakeClock clock = FakeClock.manual();
    private final WaiterQueue queue = new WaiterQueue(MAX_WAIT);

    /** Parks a new queued waiter on its own thread; completes with what {@link Waiter#awaitGrant} returned. */
    private CompletableFuture<Waiter.Grant> parkedWaiter(String name, Waiter[] made) throws InterruptedException {
        CompletableFuture<Waiter.Grant> result = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            Waiter w = made[0];
            result.complete(w.awaitGrant(clock, w.start + MAX_WAIT, queue));
        }, name);
        made[0] = new Waiter(Credentials.of("app", "secret"), t, clock.nanoTime());
        queue.add(made[0]);
        queue.settle();
        t.setDaemon(true);
        t.start();
        Await.parked(t);
        return result;
    }

    @Test
    void aNudgeThatWokeAHeadServedAnotherWayReachesTheNextHead() throws Exception {
        Waiter[] first = new Waiter[1];
        Waiter[] second = new Waiter[1];
        CompletableFuture<Waiter.Grant> firstWait = parkedWaiter("first", first);
        CompletableFuture<Waiter.Grant> secondWait = parkedWaiter("second", second);

        queue.nudge(); // a connection became idle: the head is woken to look
        assertThat(firstWait.get(10, TimeUnit.SECONDS)).as("the head, woken to look").isNull();
        // Before it looks, the head is handed a connection given back under the lock (as when the queue starves):
        // it leaves without taking the nudge, and the idle connection behind the nudge is still idle.
        queue.served(first[0].grantConnection(null), clock.nanoTime());
        assertThat(queue.isHead(second[0])).isTrue();
        assertThat(queue.nudgePending()).isTrue();

        queue.passOnNudge(); // what the served borrower does after the lock
        assertThat(secondWait.get(10, TimeUnit.SECONDS)).as("the new head, woken to look").isNull();

        queue.headLooks(second[0], clock.nanoTime());
        assertThat(queue.nudgePending()).as("taken by the head that looked").isFalse();
    }
}
