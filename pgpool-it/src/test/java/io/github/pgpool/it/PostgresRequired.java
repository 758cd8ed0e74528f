package io.github.pgpool.it;

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
        AdminDb.requireServer();
        Setup setup = Setup.of(context.getRequiredTestClass());
        for (Setup.Pool pool : Setup.POOLS) {
            String db = setup.database(pool.name());
            AdminDb.ensureDatabase(db);
            AdminDb.rollbackLeftoverPrepared(db);
        }
    }
}
