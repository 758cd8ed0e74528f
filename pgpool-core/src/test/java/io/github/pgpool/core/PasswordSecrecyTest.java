package io.github.pgpool.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.pgpool.api.Credentials;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A password never reaches a log record, an exception, {@code toString()} or the statistics, even when the login
 * fails. Uses the role {@code pgpool_pw_user}, which {@code .ci/run} sets up with password authentication.
 */
class PasswordSecrecyTest {
    private static final String WRONG = "wrong-Secret-4711";
    private static final String RIGHT = "pgpool-right-pw";
    private final List<String> logged = new CopyOnWriteArrayList<>();
    private final Handler capture = new Handler() {
        private final SimpleFormatter format = new SimpleFormatter();

        @Override
        public void publish(LogRecord r) {
            logged.add(format.format(r));
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };
    private final Logger[] loggers = {Logger.getLogger("io.github.pgpool"), Logger.getLogger("org.postgresql")};

    @BeforeEach
    void captureAllLogging() {
        capture.setLevel(Level.ALL);
        for (Logger l : loggers) {
            l.setLevel(Level.ALL);
            l.addHandler(capture);
        }
    }

    @AfterEach
    void stopCapturing() {
        for (Logger l : loggers) {
            l.removeHandler(capture);
            l.setLevel(null);
        }
    }

    private static String everything(Throwable t) {
        StringWriter w = new StringWriter();
        t.printStackTrace(new PrintWriter(w));
        return w.toString();
    }

    @Test
    void aFailedLoginShowsThePasswordNowhere() throws Exception {
        TestDatabase db = TestDatabase.create("pgpool_secrecy_test");
        if (!loginIsPasswordChecked(db)) {
            String reason = "role pgpool_pw_user with password authentication is not set up (run .ci/run)";
            if ("true".equals(System.getenv("CI"))) {
                throw new IllegalStateException(reason);
            }
            org.junit.jupiter.api.Assumptions.assumeTrue(false, reason);
        }
        try (PgPoolDataSource ds = new PgPoolDataSource(db.settings().user("pgpool_pw_user").password(WRONG)
                .maxWait(Duration.ofSeconds(2)).build())) {
            Throwable failure = org.assertj.core.api.Assertions.catchThrowable(ds::getConnection);
            assertThat(failure).isInstanceOf(SQLException.class);
            assertThat(((SQLException) failure).getSQLState()).isEqualTo("28P01");

            Throwable second = org.assertj.core.api.Assertions.catchThrowable(
                    () -> ds.getConnection("pgpool_pw_user", WRONG + "-too"));
            assertThat(second).isInstanceOf(SQLException.class);

            try (Connection ok = ds.getConnection("pgpool_pw_user", RIGHT)) {
                assertThat(ok.isValid(1)).isTrue();
            }
            String seen = everything(failure) + everything(second) + ds + ds.pool() + ds.pool().settings()
                    + ds.pool().statistics() + Credentials.of("u", WRONG) + String.join("\n", logged);
            assertThat(logged).as("the pool logged while failing").isNotEmpty();
            assertThat(seen).doesNotContain(WRONG).doesNotContain(RIGHT);
        }
    }

    private static boolean loginIsPasswordChecked(TestDatabase db) {
        java.util.Properties login = new java.util.Properties();
        login.setProperty("user", "pgpool_pw_user");
        login.setProperty("password", WRONG); // never in the URL: pgjdbc logs URLs
        try (Connection c = new org.postgresql.Driver().connect("jdbc:postgresql://"
                + db.settings().build().serverName() + ":" + db.settings().build().portNumber() + "/" + db.name,
                login)) {
            return false;
        } catch (SQLException e) {
            return "28P01".equals(e.getSQLState());
        }
    }
}
