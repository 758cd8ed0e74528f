package io.github.pgpool.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.pgpool.it.Http.Answer;
import java.net.URL;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * What a connection handle may do once its container transaction has ended, timed out or been marked rollback-only,
 * through pgpool and, side by side, through the server's own XA data source on pgjdbc (the reference). Run by every
 * server configuration through {@link PoolScenarios}, which extends this class; the flows are in the test
 * application's {@code TxEndServlet}, and every answer is printed ({@code pgpool-it txend ...}) to the test's output
 * file so the two can be compared.
 */
public abstract class TxEndScenarios {
    /** The name the test application looks the reference data source up by (io.github.pgpool.it.app.Pools). */
    public static final String REFERENCE_JNDI_NAME = "java:app/reference/xa";

    /** jakarta.transaction.Status.STATUS_ACTIVE (the API is not on the client side). */
    private static final String STATUS_ACTIVE = "0";

    private final Setup configuration = Setup.of(getClass());

    /** Root URL of the deployed test application. */
    protected abstract URL app();

    /** The database of the server's own XA data source in a configuration. */
    public static String referenceDatabase(Setup setup) {
        return setup.database("reference");
    }

    /** One flow through one data source: the servlet's answer and which of the flow's rows are in the table. */
    private record Run(String ds, String tag, Answer answer, Map<String, Integer> rows) {
        String step(String name) {
            return answer.get(name);
        }

        int rows(String suffix) {
            return rows.get(suffix);
        }
    }

    /**
     * Runs a flow through each data source at once (a timeout flow waits for the server's timeout handling, which
     * Payara runs only every 10 s for XA transactions: side by side they share the wait), counts each flow's rows
     * (tag plus each suffix) and prints it all, so that the output file holds the full observation even when an
     * assertion fails later.
     */
    private List<Run> runAll(String flow, TestInfo info, List<String> dataSources, String... suffixes)
            throws SQLException {
        Map<String, String> tags = new LinkedHashMap<>();
        Map<String, CompletableFuture<Answer>> answers = new LinkedHashMap<>();
        for (String ds : dataSources) {
            String tag = tag(info, ds);
            tags.put(ds, tag);
            answers.put(ds, Http.getAsync(app(), "txend/" + flow + "?ds=" + ds + "&tag=" + tag));
        }
        List<Run> runs = new ArrayList<>();
        for (String ds : dataSources) {
            runs.add(counted(flow, ds, tags.get(ds), answers.get(ds).join(), suffixes));
        }
        return runs;
    }

    private Run counted(String flow, String ds, String tag, Answer answer, String... suffixes) throws SQLException {
        Map<String, Integer> rows = new LinkedHashMap<>();
        rows.put("", AdminDb.countTag(database(ds), tag));
        for (String suffix : suffixes) {
            rows.put(suffix, AdminDb.countTag(database(ds), tag + suffix));
        }
        System.out.println("pgpool-it txend " + configuration + " " + flow + " ds=" + ds + ": " + answer + " rows="
                + rows);
        assertThat(answer.ok()).as("%s through %s: %s", flow, ds, answer).isTrue();
        return new Run(ds, tag, answer, rows);
    }

    /**
     * The data sources a flow runs through: pgpool's XA and LocalTransaction pools, and the server's own XA data
     * source, the reference. Payara's own pool is configured the same in both Payara setups, so its reference runs
     * once, with Payara's pooling on.
     */
    private List<String> dataSources() {
        return configuration == Setup.PAYARA_UNPOOLED ? List.of("xa-a", "local") : List.of("ref", "xa-a", "local");
    }

    private String database(String ds) {
        return ds.equals("ref") ? referenceDatabase(configuration) : configuration.database(ds);
    }

    private static String tag(TestInfo info, String ds) {
        return info.getTestMethod().orElseThrow().getName() + "-" + ds + "-" + UUID.randomUUID().toString()
                .substring(0, 8);
    }

    /**
     * A transaction that outlives its timeout (1 s): once the server's timeout handling has run, the handle that is
     * still open refuses to work (SQLState 40000, transaction rollback) instead of running the statement outside
     * the transaction, commit reports the rollback, nothing of the transaction is in the table, and the pool serves
     * the next request. The reference data source goes through the same flow (printed, not asserted).
     */
    @Test
    void workAfterTheTransactionTimedOutIsRefusedAndNeverDurable(TestInfo info) throws SQLException {
        CompletableFuture<Answer> probe = Http.getAsync(app(), "txend/probe?kind=timeout");
        List<Run> runs = runAll("timeout", info, dataSources(), "-after", "-next");
        System.out.println("pgpool-it txend " + configuration + " probe timeout: " + probe.join());
        for (Run r : pgpool(runs)) {
            assertThat(r.step("inside")).as("insert before the timeout, %s", r).isEqualTo("ok");
            assertThat(r.step("statusSeen")).as("the server handled the timeout: %s", r).isNotEqualTo(STATUS_ACTIVE);
            assertThat(r.step("after")).as("insert after the timeout on the open handle: %s", r).isEqualTo("failed");
            assertThat(r.step("after.sqlState")).as("%s", r).isEqualTo("40000");
            assertThat(r.step("read")).as("read after the timeout on the open handle: %s", r).isEqualTo("failed");
            assertThat(r.step("commit")).as("commit of the timed-out transaction: %s", r).isEqualTo("failed");
            assertThat(r.rows("")).as("rows of the timed-out transaction, %s", r).isZero();
            assertThat(r.rows("-after")).as("rows written after the timeout, %s", r).isZero();
            assertThat(r.step("next")).as("the pool after the flow: %s", r).isEqualTo("ok");
            assertThat(r.rows("-next")).as("row written after the flow, %s", r).isEqualTo(1);
        }
    }

    /** After setRollbackOnly the handle refuses to work until the transaction is over; nothing is durable. */
    @Test
    void workAfterSetRollbackOnlyIsRefused(TestInfo info) throws SQLException {
        List<Run> runs = runAll("rollbackOnly", info, dataSources(), "-after", "-next");
        System.out.println("pgpool-it txend " + configuration + " probe rollbackOnly: "
                + Http.get(app(), "txend/probe?kind=rollbackOnly"));
        for (Run r : pgpool(runs)) {
            assertThat(r.step("inside")).as("%s", r).isEqualTo("ok");
            assertThat(r.step("after")).as("insert after setRollbackOnly: %s", r).isEqualTo("failed");
            assertThat(r.step("after.sqlState")).as("%s", r).isEqualTo("40000");
            assertThat(r.step("read")).as("read after setRollbackOnly: %s", r).isEqualTo("failed");
            assertThat(r.step("rollback")).as("%s", r).isEqualTo("ok");
            assertThat(r.rows("")).as("rows of the rolled back transaction, %s", r).isZero();
            assertThat(r.rows("-after")).as("rows written after setRollbackOnly, %s", r).isZero();
            assertThat(r.step("next")).as("%s", r).isEqualTo("ok");
            assertThat(r.rows("-next")).as("%s", r).isEqualTo(1);
        }
    }

    /**
     * A handle opened before {@code UserTransaction.begin()} and still open at rollback keeps working: outside a
     * transaction in autocommit (JTA), in the next transaction as part of it.
     */
    @Test
    void handleOpenedBeforeBeginOutlivesItsTransactions(TestInfo info) throws SQLException {
        List<Run> runs = runAll("acrossRollback", info, dataSources(), "-after", "-2", "-next");
        for (Run r : pgpool(runs)) {
            for (String step : new String[] {"before", "inside", "rollback", "after", "inside2", "commit", "read",
                    "close", "next"}) {
                assertThat(r.step(step)).as("step %s: %s", step, r).isEqualTo("ok");
            }
            assertThat(r.rows("")).as("rows of the rolled back transaction, %s", r).isZero();
            assertThat(r.rows("-after")).as("row written outside a transaction, %s", r).isEqualTo(1);
            assertThat(r.rows("-2")).as("row of the committed transaction, %s", r).isEqualTo(1);
        }
    }

    /** A handle kept open past its transaction's commit works outside a transaction, in autocommit (JTA). */
    @Test
    void handleKeptOpenPastCommitWorksInAutocommit(TestInfo info) throws SQLException {
        List<Run> runs = runAll("afterCommit", info, dataSources(), "-after", "-next");
        for (Run r : pgpool(runs)) {
            for (String step : new String[] {"inside", "commit", "after", "close", "next"}) {
                assertThat(r.step(step)).as("step %s: %s", step, r).isEqualTo("ok");
            }
            assertThat(r.rows("")).as("row of the committed transaction, %s", r).isEqualTo(1);
            assertThat(r.rows("-after")).as("row written after the commit, %s", r).isEqualTo(1);
        }
    }

    /** The runs through pgpool (the reference's are only printed). */
    private static List<Run> pgpool(List<Run> runs) {
        return runs.stream().filter(r -> !r.ds().equals("ref")).toList();
    }
}
