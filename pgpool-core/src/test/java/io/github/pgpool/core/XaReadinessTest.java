package io.github.pgpool.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.pgpool.api.PoolSettings;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.logging.Level;
import org.junit.jupiter.api.Test;

/**
 * A pool used for XA warns once when its server has {@code max_prepared_transactions = 0}: the rule with the
 * setting's value given, and on the shared server (where it is above 0, as .ci/run sets it) that the profile reads
 * the server's value and nobody is warned. {@link XaWarningClusterTest} sees the warning from a real server at 0.
 */
class XaReadinessTest {
    @Test
    void warnsOnceWithTheSettingAndItsFixWhenTheServerCannotPrepare() {
        try (LogCapture log = LogCapture.start()) {
            XaReadiness readiness = new XaReadiness(new PoolEvents("xa-unit", null, FakeClock.manual()));
            readiness.xaUsed(64);
            readiness.xaUsed(XaReadiness.UNKNOWN);
            assertThat(log.messages(Level.WARNING, "xa-unit")).as("warnings with prepared transactions").isEmpty();

            readiness.xaUsed(0);
            readiness.xaUsed(0);
            List<String> warnings = log.messages(Level.WARNING, "xa-unit");
            assertThat(warnings).hasSize(1);
            assertThat(warnings.get(0)).contains("max_prepared_transactions = 0")
                    .contains("ALTER SYSTEM SET max_prepared_transactions = 64").contains("restart PostgreSQL");
        }
    }

    @Test
    void noWarningFromTheSharedServerWhoseProfileReadsItsSetting() throws Exception {
        TestDatabase db = TestDatabase.create("pgpool_core_xa_ready");
        int serverValue;
        try (Connection admin = TestDatabase.admin(); Statement s = admin.createStatement();
                ResultSet rs = s.executeQuery("SHOW max_prepared_transactions")) {
            rs.next();
            serverValue = Integer.parseInt(rs.getString(1));
        }
        assertThat(serverValue).as("max_prepared_transactions on the shared server (.ci/run sets it above 0)")
                .isPositive();
        PoolSettings settings = db.settings().poolName("xa-shared").build();
        try (LogCapture log = LogCapture.start(); PgPool pool = PgPool.start(settings)) {
            PooledConnection pc = pool.borrow();
            try {
                assertThat(pc.profile().maxPreparedTransactions()).isEqualTo(serverValue);
                assertThat(pc.xaResource()).isNotNull();
            } finally {
                pc.release();
            }
            assertThat(log.messages(Level.WARNING, "max_prepared_transactions")).isEmpty();
        }
    }
}
