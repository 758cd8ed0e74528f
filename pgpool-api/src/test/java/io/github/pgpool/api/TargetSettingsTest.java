package io.github.pgpool.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The connection target's settings (ServerName, DatabaseName, User, Url) take names as they are: nothing is trimmed
 * or decoded, and what PostgreSQL cannot name, or what would silently reach another target, is rejected.
 */
class TargetSettingsTest {
    private static PoolSettings.Builder valid() {
        return PoolSettings.builder().databaseName("shop");
    }

    @Test
    void namesAreKeptExactlyAsGiven() {
        // These went into a JDBC URL before and changed the target (issue 15); now they are just names.
        PoolSettings s = PoolSettings.builder().databaseName("db?user=postgres").build();
        assertThat(s.databaseName()).isEqualTo("db?user=postgres");
        assertThat(PoolSettings.builder().databaseName("db%41").build().databaseName()).isEqualTo("db%41");
        assertThat(PoolSettings.builder().databaseName("Ünïcode db/with\\odd'chars\"").build().databaseName())
                .isEqualTo("Ünïcode db/with\\odd'chars\"");
        assertThat(valid().user("app user").build().user()).isEqualTo("app user");
    }

    @ParameterizedTest
    @ValueSource(strings = {" shop", "shop ", "\tshop", "shop\n"})
    void leadingOrTrailingBlanksAreRejectedNotTrimmed(String name) {
        assertThatThrownBy(() -> PoolSettings.builder().databaseName(name)).isInstanceOf(InvalidSettingException.class)
                .hasMessageStartingWith("DatabaseName=" + name + " is invalid: ");
        assertThatThrownBy(() -> valid().user(name)).hasMessageStartingWith("User=" + name + " is invalid: ");
        assertThatThrownBy(() -> valid().serverName(name)).hasMessageStartingWith("ServerName=" + name + " is invalid: ");
        assertThatThrownBy(() -> valid().poolName(name)).hasMessageStartingWith("PoolName=" + name + " is invalid: ");
    }

    @Test
    void blanksAtEitherEndAreNamedAsTheProblem() {
        assertThatThrownBy(() -> PoolSettings.builder().databaseName(" shop"))
                .hasMessage("DatabaseName= shop is invalid: begins or ends with a blank; must not be empty; at most "
                        + "63 bytes in UTF-8 (PostgreSQL's longest name), no control characters, no blanks at either "
                        + "end");
        assertThatThrownBy(() -> valid().serverName("db "))
                .hasMessageStartingWith("ServerName=db  is invalid: contains a blank");
    }

    @Test
    void namesLongerThanPostgresCanNameAreRejected() {
        String max = "d".repeat(63);
        assertThat(PoolSettings.builder().databaseName(max).build().databaseName()).isEqualTo(max);
        assertThatThrownBy(() -> PoolSettings.builder().databaseName(max + "d"))
                .hasMessageContaining("is 64 bytes long; must not be empty; at most 63 bytes");
        // Bytes, not characters: 32 two-byte characters are 64 bytes.
        assertThat(valid().user("é".repeat(31)).build().user()).hasSize(31);
        assertThatThrownBy(() -> valid().user("é".repeat(32))).hasMessageContaining("is 64 bytes long");
    }

    @Test
    void controlCharactersAreRejected() {
        assertThatThrownBy(() -> PoolSettings.builder().databaseName("shop\0x"))
                .hasMessageContaining("contains a control character (code 0) at position 5");
        assertThatThrownBy(() -> valid().user("app\0")).hasMessageContaining("control character (code 0)");
        assertThatThrownBy(() -> valid().poolName("a\nb")).hasMessageContaining("control character (code 10)");
        assertThatThrownBy(() -> valid().password("pw\0tail")).hasMessageStartingWith("Password=***** is invalid: ")
                .hasMessageNotContaining("tail");
    }

    @ParameterizedTest
    @ValueSource(strings = {"db.example.org", "127.0.0.1", "::1", "[::1]", "fe80::1%eth0", "my_host-2", "LOCALHOST"})
    void serverNameTakesOneHostNameOrAddress(String host) {
        assertThat(valid().serverName(host).build().serverName()).isEqualTo(host);
    }

    @ParameterizedTest
    @ValueSource(strings = {"h1,h2", "h/db", "h?user=x", "u@h", "h:5432/x", "h db", "h#x"})
    void serverNameRejectsWhatIsNotOneHost(String host) {
        assertThatThrownBy(() -> valid().serverName(host)).hasMessageStartingWith("ServerName=" + host + " is invalid: ")
                .hasMessageContaining("one host name or IP address");
        assertThatThrownBy(() -> valid().serverName("h1,h2")).hasMessageContaining("give them in Url");
        assertThatThrownBy(() -> valid().serverName("h".repeat(254))).hasMessageContaining("254 characters");
    }

    @Test
    void aUrlNamesTheTargetInsteadOfServerNamePortNumberAndDatabaseName() {
        PoolSettings s = PoolSettings.builder()
                .url("jdbc:postgresql://h1:5432,h2:5433/shop?targetServerType=primary&ApplicationName=a%26b")
                .user("app").build();
        assertThat(s.url()).isEqualTo("jdbc:postgresql://h1:5432,h2:5433/shop?targetServerType=primary"
                + "&ApplicationName=a%26b");
        assertThat(s.urlTarget()).isEqualTo("jdbc:postgresql://h1:5432,h2:5433/shop");
        assertThat(s.urlProperties()).containsExactly(Map.entry("targetServerType", "primary"),
                Map.entry("ApplicationName", "a&b"));
        assertThat(s.databaseName()).isNull();
        assertThat(s.poolName()).isEqualTo("app@h1:5432,h2:5433/shop");
        assertThat(s.warnings()).isEmpty();
        assertThat(PoolSettings.builder().jdbcUrl("jdbc:postgresql:shop").build().url()).isEqualTo("jdbc:postgresql:shop");
        // The defaults of ServerName and PortNumber may be present: servers pass them from ra.xml.
        assertThat(PoolSettings.builder().url("jdbc:postgresql://h/shop").serverName("localhost").portNumber(5432)
                .build().urlTarget()).isEqualTo("jdbc:postgresql://h/shop");
    }

    @Test
    void urlAndServerNamePortNumberOrDatabaseNameExcludeEachOther() {
        assertThatThrownBy(() -> PoolSettings.builder().url("jdbc:postgresql://h/shop").databaseName("shop").build())
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageStartingWith("Url=jdbc:postgresql://h/shop is invalid: cannot be combined with "
                        + "DatabaseName=shop");
        assertThatThrownBy(() -> PoolSettings.builder().url("jdbc:postgresql://h/shop").serverName("db1").build())
                .hasMessageContaining("cannot be combined with ServerName=db1");
        assertThatThrownBy(() -> PoolSettings.builder().url("jdbc:postgresql://h/shop").portNumber(6432).build())
                .hasMessageContaining("cannot be combined with PortNumber=6432");
        assertThat(PoolSettings.builder().url("jdbc:postgresql://h/shop").url("").databaseName("x").build().url())
                .isEmpty();
    }

    @Test
    void credentialsNeverComeFromTheUrl() {
        assertThatThrownBy(() -> PoolSettings.builder().url("jdbc:postgresql://h/shop?user=postgres"))
                .hasMessageStartingWith("Url=jdbc:postgresql://h/shop?user=postgres is invalid: the query names "
                        + "'user': credentials never come from the Url");
        assertThatThrownBy(() -> PoolSettings.builder().url("jdbc:postgresql://h/shop?password=Sup3r"))
                .hasMessageStartingWith("Url=jdbc:postgresql://h/shop?password=***** is invalid: ")
                .hasMessageNotContaining("Sup3r");
        assertThatThrownBy(() -> PoolSettings.builder().url("jdbc:postgresql://bob:Sup3r@h/shop"))
                .hasMessageStartingWith("Url=jdbc:postgresql://*****@h/shop is invalid: names a user before '@'")
                .hasMessageNotContaining("Sup3r").hasMessageNotContaining("bob");
        assertThatThrownBy(() -> PoolSettings.builder().url("jdbc:postgresql://h/shop?PGDBNAME=other"))
                .hasMessageContaining("'PGDBNAME' belongs in the URL itself");
        assertThatThrownBy(() -> PoolSettings.builder().url("jdbc:postgresql://h/shop?loginTimeout=3"))
                .hasMessageContaining("use ConnectTimeout instead");
        assertThatThrownBy(() -> PoolSettings.builder().url("jdbc:postgresql://h/shop?socketFactory=x.Y"))
                .hasMessageContaining("set by the pool itself");
        assertThatThrownBy(() -> PoolSettings.builder().url("jdbc:postgresql://h/shop?service=prod"))
                .hasMessageContaining("pg_service.conf");
    }

    @Test
    void secretsInTheUrlNeverReachAMessageNorWhatFollowsThem() {
        String url = "jdbc:postgresql://h/shop?sslmode=require&sslpassword=Sup3r&S3cretTail=x&sslmode=again";
        assertThatThrownBy(() -> PoolSettings.builder().url(url))
                .hasMessageStartingWith("Url=jdbc:postgresql://h/shop?sslmode=require&sslpassword=*****&(rest not "
                        + "shown) is invalid: ")
                .hasMessageNotContaining("Sup3r").hasMessageNotContaining("S3cretTail");
        PoolSettings s = PoolSettings.builder().url("jdbc:postgresql://h/shop?sslpassword=Sup3r%26Tail&sslmode=require")
                .build();
        assertThat(s.urlProperties()).containsEntry("sslpassword", "Sup3r&Tail");
        assertThat(s.toString() + s.text(PoolSetting.URL) + s.poolName()).doesNotContain("Sup3r")
                .doesNotContain("Tail").doesNotContain("sslmode=require");
        assertThat(s.describeProperty("sslmode")).doesNotContain("sslmode");
        assertThatThrownBy(() -> PoolSettings.builder().url("jdbc:postgresql://h/shop?sslpassword=%zzSup3r"))
                .hasMessageNotContaining("Sup3r").hasMessageContaining("not correctly %-encoded");
    }

    @Test
    void badUrlsAreRejectedWithTheRule() {
        for (String bad : new String[] {"postgresql://h/db", "jdbc:mysql://h/db", "jdbc:postgres://h/db",
            " jdbc:postgresql://h/db", "jdbc:postgresql://h/db ", "jdbc:postgresql://h/d b", "jdbc:postgresql://h/db?=x",
            "jdbc:postgresql://h/db?a=1&a=2"}) {
            assertThatThrownBy(() -> PoolSettings.builder().url(bad)).as(bad)
                    .isInstanceOf(InvalidSettingException.class).hasMessageStartingWith("Url=" + bad + " is invalid: ");
        }
    }

    @Test
    void aPoolTargetsThePrimaryWhenPgjdbcIsToldSo() {
        assertThat(valid().build().targetsPrimary()).isFalse();
        assertThat(PoolSettings.builder().url("jdbc:postgresql://h1,h2/shop?targetServerType=primary").build()
                .targetsPrimary()).isTrue();
        assertThat(valid().driverProperties("targetServerType=master").build().targetsPrimary()).isTrue();
        assertThat(valid().driverProperties("targetServerType=preferPrimary").build().targetsPrimary()).isTrue();
        assertThat(valid().driverProperties("targetServerType=any").build().targetsPrimary()).isFalse();
        assertThat(valid().driverProperties("targetServerType=secondary").build().targetsPrimary()).isFalse();
    }

    @Test
    void aPropertyIsGivenInUrlOrInDriverPropertiesNotBoth() {
        assertThatThrownBy(() -> PoolSettings.builder().url("jdbc:postgresql://h/shop?sslmode=require")
                .driverProperties("sslmode=disable").build())
                .hasMessageStartingWith("DriverProperties=sslmode=disable is invalid: 'sslmode' is given in Url too");
    }
}
