package io.github.pgpool.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The PostgreSQL URL becomes the demo pool's settings; no server needed. */
class DemoConfigTest {
    private static DemoConfig parse(String url) {
        return DemoConfig.of(url, null, null, null, null, null);
    }

    @Test
    void propertyWinsOverEnvironmentWhichWinsOverDefault() {
        assertThat(DemoConfig.chooseUrl("jdbc:postgresql://a/x", "jdbc:postgresql://b/y"))
                .isEqualTo("jdbc:postgresql://a/x");
        assertThat(DemoConfig.chooseUrl("", "jdbc:postgresql://b/y")).isEqualTo("jdbc:postgresql://b/y");
        assertThat(DemoConfig.chooseUrl(null, " ")).isEqualTo(DemoConfig.DEFAULT_URL);
    }

    @Test
    void defaultUrlIsLocalTrustAuthentication() {
        DemoConfig c = parse(DemoConfig.DEFAULT_URL);
        assertThat(c.host()).isEqualTo("localhost");
        assertThat(c.port()).isEqualTo(5432);
        assertThat(c.user()).isEqualTo("postgres");
        assertThat(c.password()).isEmpty();
        assertThat(c.driverProperties()).isEmpty();
    }

    @Test
    void userPasswordAndOtherParametersAreSeparated() {
        DemoConfig c = parse("jdbc:postgresql://db.example:5433/admin?user=alice&password=p%40ss%3Aw&sslmode=require"
                + "&ApplicationName=demo");
        assertThat(c.host()).isEqualTo("db.example");
        assertThat(c.port()).isEqualTo(5433);
        assertThat(c.user()).isEqualTo("alice");
        assertThat(c.password()).isEqualTo("p@ss:w");
        assertThat(c.driverProperties()).isEqualTo("sslmode=require;ApplicationName=demo");
    }

    @Test
    void ipv6HostLosesItsBrackets() {
        assertThat(parse("jdbc:postgresql://[::1]:5432/postgres?user=postgres").host()).isEqualTo("::1");
    }

    @Test
    void demoDatabaseReplacesTheAdministrativeOne() {
        assertThat(parse("jdbc:postgresql://h:1/admin?user=u").urlFor("pgpool_demo"))
                .isEqualTo("jdbc:postgresql://h:1/pgpool_demo?user=u");
        assertThat(parse("jdbc:postgresql://h:1?user=u").urlFor("pgpool_demo"))
                .isEqualTo("jdbc:postgresql://h:1/pgpool_demo?user=u");
    }

    @Test
    void passwordNeverShows() {
        DemoConfig c = parse("jdbc:postgresql://h/db?user=u&password=secret&sslmode=disable");
        assertThat(c.safeUrl()).doesNotContain("secret").contains("password=***").contains("sslmode=disable");
        assertThatThrownBy(() -> parse("postgresql://h/db?password=secret"))
                .isInstanceOf(DemoFailure.class).message().doesNotContain("secret");
    }
}
