package io.github.pgpool.it;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Registered before Arquillian's extension, so that it runs before any server is started or anything deployed:
 * fails fast when PostgreSQL is missing, creates the configuration's databases and rolls back prepared transactions
 * an interrupted earlier run may have left in them (they would hold locks and fail the pg_prepared_xacts checks).
 */
public class PostgresRequired implements BeforeAllCallback {
    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        Setup setup = Setup.of(context.getRequiredTestClass());
        String launched = System.getProperty("arquillian.launch");
        // -Dit.test overrides each failsafe execution's includes, so a pattern can select a class in the other
        // server's execution; it cannot run there, and says so instead of failing against the wrong server.
        // An execution of its own for one class of a server (payara-metrics) counts as that server's.
        Assumptions.assumeTrue(launched == null || launched.equals(setup.container())
                || launched.startsWith(setup.container() + "-"),
                () -> context.getRequiredTestClass().getSimpleName() + " runs in the '" + setup.container()
                        + "' failsafe execution, not in '" + launched + "' (narrow -Dit.test or use -Dit."
                        + launched + ".skip)");
        AdminDb.requireServer();
        for (Setup.Pool pool : setup.pools()) {
            String db = setup.database(pool.name());
            AdminDb.ensureDatabase(db);
            AdminDb.rollbackLeftoverPrepared(db);
        }
        // The server's own XA data source, the reference of TxEndScenarios, has a database of its own too.
        AdminDb.ensureDatabase(TxEndScenarios.referenceDatabase(setup));
        AdminDb.rollbackLeftoverPrepared(TxEndScenarios.referenceDatabase(setup));
    }
}
