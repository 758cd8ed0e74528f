package io.github.pgpool.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.pgpool.api.Credentials;
import io.github.pgpool.api.InvalidSettingException;
import io.github.pgpool.api.PoolSettings;
import io.github.pgpool.testing.TestServerUrl;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Where the pool connects, against the real server: names reach PostgreSQL as they are written (no URL assembled
 * from settings), a Url is read with pgjdbc's own parser and its parts held to the settings' rules, and neither
 * credentials nor secrets leak through it.
 */
class ConnectionTargetTest {
    /** Literal database names that a URL would have read as a query and as an escape (issue 15). */
    private static final String QUERY_LIKE = "pgpool_h3_t?user=postgres";
    private static final String ESCAPE_LIKE = "pgpool_h3_t%41";
    private static final String ESCAPED = "pgpool_h3_tA";
    private static final String ALICE = "pgpool_h3_alice";

    @BeforeAll
    static void createTargets() throws SQLException {
        try (Connection c = TestDatabase.admin(); Statement s = c.createStatement()) {
            for (String db : new String[] {QUERY_LIKE, ESCAPE_LIKE, ESCAPED}) {
                s.execute("DROP DATABASE IF EXISTS \"" + db + "\" WITH (FORCE)");
                s.execute("CREATE DATABASE \"" + db + "\"");
            }
            s.execute("DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '" + ALICE + "') THEN "
                    + "CREATE ROLE " + ALICE + " LOGIN; END IF; END $$");
        }
    }

    @AfterAll
    static void dropTargets() throws SQLException {
        try (Connection c = TestDatabase.admin(); Statement s = c.createStatement()) {
            for (String db : new String[] {QUERY_LIKE, ESCAPE_LIKE, ESCAPED}) {
                s.execute("DROP DATABASE IF EXISTS \"" + db + "\" WITH (FORCE)");
            }
        }
    }

    private static PoolSettings.Builder server() {
        TestServerUrl.Server server = TestServerUrl.server();
        return PoolSettings.builder().serverName(server.host()).portNumber(server.port()).user(server.user())
                .password(server.password());
    }

    private static String[] whereAmI(Connection c) throws SQLException {
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT current_database(), current_user, inet_server_port()")) {
            rs.next();
            return new String[] {rs.getString(1), rs.getString(2), rs.getString(3)};
        }
    }

    @Test
    void aDatabaseNameThatLooksLikeAQueryIsJustAName() throws SQLException {
        PgConnectionFactory f = new PgConnectionFactory(server().databaseName(QUERY_LIKE).build());
        // Before: the URL ".../pgpool_h3_t?user=postgres" logged a borrower asking for alice in as postgres.
        try (Connection c = f.open(Credentials.of(ALICE, ""))) {
            assertThat(whereAmI(c)).containsExactly(QUERY_LIKE, ALICE, whereAmI(c)[2]);
        }
    }

    @Test
    void aDatabaseNameWithAPercentIsNotDecoded() throws SQLException {
        PgConnectionFactory f = new PgConnectionFactory(server().databaseName(ESCAPE_LIKE).build());
        try (Connection c = f.open(TestServerUrl.server().user().isEmpty() ? Credentials.of("", "")
                : Credentials.of(TestServerUrl.server().user(), TestServerUrl.server().password()))) {
            assertThat(whereAmI(c)[0]).isEqualTo(ESCAPE_LIKE).isNotEqualTo(ESCAPED);
        }
    }

    @Test
    void aUrlWithSeveralHostsReachesTheOneThatAnswers() throws SQLException {
        TestServerUrl.Server server = TestServerUrl.server();
        // 127.0.0.1:5439 is in this suite's own port range and has no server: pgjdbc must go on to the next host.
        String url = "jdbc:postgresql://127.0.0.1:5439," + server.host() + ":" + server.port() + "/" + ESCAPED
                + "?targetServerType=primary&ApplicationName=pgpool_h3_url";
        PoolSettings settings = PoolSettings.builder().url(url).user(server.user()).password(server.password())
                .build();
        PgConnectionFactory f = new PgConnectionFactory(settings);
        try (Connection c = f.open(settings.defaultCredentials());
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT current_database(), current_setting('application_name')")) {
            rs.next();
            assertThat(rs.getString(1)).isEqualTo(ESCAPED);
            assertThat(rs.getString(2)).isEqualTo("pgpool_h3_url");
        }
        assertThat(f.url()).isEqualTo(url);
    }

    @Test
    void theUrlsCredentialsAreThePoolsNotTheQuerysAndTheBorrowersWin() throws SQLException {
        TestServerUrl.Server server = TestServerUrl.server();
        PoolSettings settings = PoolSettings.builder()
                .url("jdbc:postgresql://" + server.host() + ":" + server.port() + "/" + ESCAPED)
                .user(server.user()).password(server.password()).build();
        try (Connection c = new PgConnectionFactory(settings).open(Credentials.of(ALICE, ""))) {
            assertThat(whereAmI(c)[1]).isEqualTo(ALICE);
        }
    }

    @Test
    void pgjdbcReadsTheUrlAtPoolCreation() {
        String[][] cases = {
            {"jdbc:postgresql://h:99999/db", "pgjdbc cannot read it"},
            {"jdbc:postgresql://h:0/db", "pgjdbc cannot read it"},
            {"jdbc:postgresql://h", "pgjdbc cannot read it"},
            {"jdbc:postgresql://h/a/b", "pgjdbc cannot read it"},
            {"jdbc:postgresql://h/d%zz", "pgjdbc cannot read it"},
            {"jdbc:postgresql://h/", "names no database"},
            {"jdbc:postgresql:", "names no database"},
            {"jdbc:postgresql://h/d%00x", "its database breaks the rule of DatabaseName: contains a control character (code 0)"},
            {"jdbc:postgresql://h/%20db", "its database breaks the rule of DatabaseName"},
            {"jdbc:postgresql://h/" + "d".repeat(64), "its database breaks the rule of DatabaseName"},
            {"jdbc:postgresql://h%2Cx/db", "a host (h%2Cx) breaks the rule of ServerName"},
            {"jdbc:postgresql://h/db?nosuchprop=1", "'nosuchprop' is not a pgjdbc connection property"},
            {"jdbc:postgresql://h1,h2/db?targetServerType=Primary", "targetServerType=Primary is not one of pgjdbc's"},
        };
        for (String[] c : cases) {
            PoolSettings settings = PoolSettings.builder().url(c[0]).build();
            assertThatThrownBy(() -> new PgConnectionFactory(settings)).as(c[0])
                    .isInstanceOf(InvalidSettingException.class).hasMessageStartingWith("Url=")
                    .hasMessageContaining(c[1]);
        }
        PoolSettings ok = PoolSettings.builder().url("jdbc:postgresql://[::1]:5432,db.example.org/shop").build();
        assertThat(new PgConnectionFactory(ok).url()).isEqualTo("jdbc:postgresql://[::1]:5432,db.example.org/shop");
    }

    @Test
    void unknownDriverPropertiesAreNamedUnlessTheyFollowASecret() {
        assertThatThrownBy(() -> new PgConnectionFactory(server().databaseName("x").driverProperties(
                "sslmode=disable;nosuchprop=1").build()))
                .hasMessage("DriverProperties=nosuchprop is invalid: 'nosuchprop' is not a pgjdbc connection property "
                        + "(names are case-sensitive, for example sslmode, ApplicationName, socketTimeout)");
        // "sslpassword=Sup3r;S3cret=Tail": the user meant one password with a ';' in it.
        assertThatThrownBy(() -> new PgConnectionFactory(server().databaseName("x").driverProperties(
                "sslpassword=Sup3r;S3cret=Tail").build()))
                .hasMessageStartingWith("DriverProperties=sslpassword=*****;(rest not shown) is invalid: a property "
                        + "after the secret 'sslpassword' (name not shown) is not a pgjdbc connection property")
                .hasMessageContaining("'\\;'").hasMessageNotContaining("Sup3r").hasMessageNotContaining("S3cret")
                .hasMessageNotContaining("Tail");
        assertThatThrownBy(() -> new PgConnectionFactory(PoolSettings.builder().url(
                "jdbc:postgresql://h/db?sslpassword=Sup3r&S3cret=Tail").build()))
                .hasMessageStartingWith("Url=jdbc:postgresql://h/db?sslpassword=*****&(rest not shown) is invalid:")
                .hasMessageNotContaining("Sup3r").hasMessageNotContaining("S3cret");
    }

    @Test
    void aSecretInTheUrlNeverReachesPgjdbcsLog() {
        List<String> logged = new CopyOnWriteArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord r) {
                logged.add(String.valueOf(r.getMessage()) + " " + java.util.Arrays.toString(r.getParameters()));
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Logger pgjdbc = Logger.getLogger("org.postgresql");
        pgjdbc.setLevel(Level.ALL);
        pgjdbc.addHandler(capture);
        try {
            // pgjdbc logs a URL it cannot read ("must contain a / ..."), the whole of it if it is given the whole.
            PoolSettings settings = PoolSettings.builder().url("jdbc:postgresql://h?sslpassword=Sup3r").build();
            assertThatThrownBy(() -> new PgConnectionFactory(settings)).hasMessageNotContaining("Sup3r");
            assertThat(logged).as("pgjdbc logged while reading the URL").isNotEmpty();
            assertThat(String.join("\n", logged)).doesNotContain("Sup3r");
        } finally {
            pgjdbc.removeHandler(capture);
            pgjdbc.setLevel(null);
        }
    }

    @Test
    void aHugeTimeoutIsCappedNotOverflowed() throws SQLException {
        PgConnectionFactory f = new PgConnectionFactory(server().databaseName(ESCAPED)
                .connectTimeout(Duration.ofHours(24)).build());
        try (Connection c = f.open(Credentials.of(ALICE, ""), Duration.ofSeconds(Long.MAX_VALUE))) {
            assertThat(whereAmI(c)[0]).isEqualTo(ESCAPED);
        }
    }
}
