package io.github.pgpool.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.pgpool.it.Http.Answer;
import java.net.URL;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A server crash in the middle of a two-phase commit over two databases, written once for every server (see the
 * subclasses). The test application ({@code /crash/two}) writes one row through each of the two XA pools and holds
 * the transaction with a third resource; the test waits until both pgpool branches are in {@code pg_prepared_xacts},
 * kills the server's JVM with SIGKILL ({@code kill -9}), checks that the branches are still in doubt, restarts the
 * server on the same configuration and transaction log, and waits, without doing anything else, until the server's
 * own recovery has resolved both branches through pgpool's XAResource (the pools are the only way the server reaches
 * these databases) as the transaction manager had decided:
 *
 * <ul>
 *   <li>killed in phase two, after the decision to commit was logged: both rows committed;</li>
 *   <li>killed in phase one, before any decision: both rows absent (presumed abort).</li>
 * </ul>
 *
 * Each scenario leaves the server running (restarted), so they can run in any order; the subclass starts the server
 * before the first and stops it after the last.
 */
@ExtendWith(PostgresRequired.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
public abstract class CrashRecoveryScenarios {
    /** Both branches seen prepared while the request is held: a request on a loaded 2-core machine. */
    protected static final Duration SOON = Duration.ofSeconds(30);
    /** From the restarted server being ready to both branches resolved, without any manual step. */
    protected static final Duration RECOVERY_DEADLINE = Duration.ofSeconds(90);

    protected final Setup setup = Setup.of(getClass());

    /** The crash test WAR's root URL on the running server. */
    protected abstract URL app();

    /** SIGKILL to the server's JVM; returns once it is gone. */
    protected abstract void killServer();

    /** Starts the server again on its kept configuration and transaction log; returns once it is ready. */
    protected abstract Duration restartServer();

    protected String db(String pool) {
        return setup.database(pool);
    }

    @AfterEach
    void noBranchLeftBehind() throws SQLException {
        for (String pool : List.of("xa-a", "xa-b")) {
            int left = AdminDb.rollbackLeftoverPrepared(db(pool));
            assertThat(left).as("prepared transactions the test had to roll back itself in %s", db(pool)).isZero();
        }
    }

    @Test
    @Order(1)
    @Timeout(400)
    void crashAfterTheCommitDecisionCommitsBothBranchesOnRestart(TestInfo info) throws Exception {
        crashAndRecover("commit", info, 1);
    }

    @Test
    @Order(2)
    @Timeout(400)
    void crashBeforeTheCommitDecisionRollsBackBothBranchesOnRestart(TestInfo info) throws Exception {
        crashAndRecover("prepare", info, 0);
    }

    private void crashAndRecover(String at, TestInfo info, int expectedRows) throws Exception {
        String tag = info.getTestMethod().orElseThrow().getName() + "-" + UUID.randomUUID().toString().substring(0, 8);
        String gate = "crash-" + UUID.randomUUID();
        String a = db("xa-a");
        String b = db("xa-b");
        CompletableFuture<Answer> request = Http.getAsync(app(), "crash/two?at=" + at + "&tag=" + tag + "&gate="
                + gate);
        List<Integer> prepared = Poll.until("both pgpool branches prepared while the transaction is held at " + at,
                SOON, () -> {
                    if (request.isDone()) {
                        throw new AssertionError("the transaction finished instead of being held: " + request.join());
                    }
                    return List.of(AdminDb.preparedXacts(a).size(), AdminDb.preparedXacts(b).size());
                }, sizes -> sizes.equals(List.of(1, 1)));
        List<String> inDoubt = List.of(AdminDb.preparedXacts(a).get(0), AdminDb.preparedXacts(b).get(0));
        assertThat(AdminDb.countTag(a, tag)).as("row visible in %s before phase two", a).isZero();
        assertThat(AdminDb.countTag(b, tag)).as("row visible in %s before phase two", b).isZero();

        killServer();
        Answer lost = request.handle((answer, failure) -> answer).join();
        assertThat(lost == null || !lost.ok()).as("the held request cannot have succeeded: %s", lost).isTrue();
        assertThat(List.of(AdminDb.preparedXacts(a), AdminDb.preparedXacts(b))).as("still in doubt after the kill")
                .isEqualTo(List.of(List.of(inDoubt.get(0)), List.of(inDoubt.get(1))));

        Duration started = restartServer();
        long readyAt = System.nanoTime();
        Poll.until("the restarted server's recovery resolves both branches " + inDoubt, RECOVERY_DEADLINE,
                () -> List.of(AdminDb.preparedXacts(a).size(), AdminDb.preparedXacts(b).size()),
                sizes -> sizes.equals(List.of(0, 0)));
        long resolvedMs = (System.nanoTime() - readyAt) / 1_000_000;
        System.out.println("pgpool-it crash " + setup + ": killed at " + at + " with " + prepared
                + " prepared; restart took " + started.toMillis() + " ms; both branches resolved " + resolvedMs
                + " ms after the server was ready");
        assertThat(AdminDb.countTag(a, tag)).as("rows in %s after recovery (killed at %s)", a, at)
                .isEqualTo(expectedRows);
        assertThat(AdminDb.countTag(b, tag)).as("rows in %s after recovery (killed at %s)", b, at)
                .isEqualTo(expectedRows);
    }
}
