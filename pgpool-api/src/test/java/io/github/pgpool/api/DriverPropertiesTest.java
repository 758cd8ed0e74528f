package io.github.pgpool.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** DriverProperties: the escapes for ';', the properties the pool owns, and the rule that hides secrets. */
class DriverPropertiesTest {
    private static PoolSettings.Builder valid() {
        return PoolSettings.builder().databaseName("shop");
    }

    @Test
    void aValueWritesSemicolonAndBackslashEscaped() {
        PoolSettings s = valid().driverProperties("sslpassword=Sup3r\\;S3cretTail;ApplicationName=a\\\\;"
                + "sslkey=C:\\keys\\client.pk8").build();
        assertThat(s.driverProperties()).containsExactly(Map.entry("sslpassword", "Sup3r;S3cretTail"),
                Map.entry("ApplicationName", "a\\"), Map.entry("sslkey", "C:\\keys\\client.pk8"));
    }

    @Test
    void canonicalTextEscapesAgainAndReadsBack() {
        PoolSettings s = valid().driverProperties("ApplicationName=a\\;b\\\\;options=-c x=y").build();
        String text = s.text(PoolSetting.DRIVER_PROPERTIES);
        assertThat(text).isEqualTo("ApplicationName=a\\;b\\\\;options=-c x=y");
        assertThat(valid().driverProperties(text).build()).isEqualTo(s);
    }

    @Test
    void theIssueCaseNeverShowsTheTailOfThePassword() {
        // Without the escape, "S3cretTail" looked like a pair of its own and was echoed (issue 15).
        assertThatThrownBy(() -> valid().driverProperties("sslpassword=Sup3r;S3cretTail"))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessage("DriverProperties=sslpassword=*****;(rest not shown) is invalid: pair 2 (after the secret "
                        + "'sslpassword', not shown) is not key=value; " + PoolSetting.DRIVER_PROPERTIES.rule()
                        + "; if the value of 'sslpassword' contains ';' or '\\', write them as '\\;' and '\\\\'");
    }

    @ParameterizedTest
    @ValueSource(strings = {"sslpassword=Sup3r;S3cretTail=1;S3cretTail=2", "sslpassword=Sup3r;user=S3cretTail",
        "sslpassword=Sup3r;S3cretTail", "sslpassword=Sup3r;=S3cretTail", "password=Sup3r;S3cretTail",
        "sslmode=require;sslpassword=Sup3r;sslmode=S3cretTail", "sslpassword=Sup3r;PGHOST=S3cretTail",
        "api_token=Sup3r;S3cretTail", "MySecret=Sup3r;socketFactory=S3cretTail"})
    void nothingAtOrAfterASecretReachesAMessage(String text) {
        assertThatThrownBy(() -> valid().driverProperties(text)).isInstanceOf(InvalidSettingException.class)
                .hasMessageStartingWith("DriverProperties=").hasMessageNotContaining("Sup3r")
                .hasMessageNotContaining("S3cretTail");
    }

    @Test
    void theShownFormEndsAtTheFirstSecret() {
        PoolSettings s = valid().driverProperties("sslmode=require;sslpassword=Sup3r;ApplicationName=S3cretTail")
                .build();
        assertThat(s.text(PoolSetting.DRIVER_PROPERTIES)).isEqualTo("sslmode=require;sslpassword=*****;(rest not shown)");
        assertThat(s.toString()).doesNotContain("Sup3r").doesNotContain("S3cretTail");
        assertThat(PoolSetting.DRIVER_PROPERTIES.shown("sslmode=require;sslpassword=Sup3r\\;x;a=b"))
                .isEqualTo("sslmode=require;sslpassword=*****;(rest not shown)");
        assertThat(PoolSetting.DRIVER_PROPERTIES.shown("sslpassword=Sup3r")).isEqualTo("sslpassword=*****");
        assertThat(s.describeProperty("sslmode")).isEqualTo("'sslmode'");
        assertThat(s.describeProperty("ApplicationName")).doesNotContain("ApplicationName");
    }

    @ParameterizedTest
    @ValueSource(strings = {"user", "USER", "password", "PGHOST", "PGPORT", "PGDBNAME", "service", "loginTimeout",
        "connectTimeout", "socketFactory", "socketFactoryArg"})
    void propertiesThePoolSetsItselfAreRefused(String key) {
        assertThatThrownBy(() -> valid().driverProperties(key + "=x")).isInstanceOf(InvalidSettingException.class)
                .hasMessageStartingWith("DriverProperties=").hasMessageContaining("'" + key + "'");
        assertThatThrownBy(() -> valid().driverProperties("user=x")).hasMessageContaining("use User instead");
        assertThatThrownBy(() -> valid().driverProperties("loginTimeout=3")).hasMessageContaining("use ConnectTimeout");
        assertThatThrownBy(() -> valid().driverProperties("PGPORT=1")).hasMessageContaining("use PortNumber instead");
    }

    @Test
    void secretsAreRecognisedByOneRule() {
        for (String secret : new String[] {"password", "sslpassword", "SSLPassword", "api_token", "clientSecret"}) {
            assertThat(Secrets.isSecretProperty(secret)).as(secret).isTrue();
        }
        for (String plain : new String[] {"sslmode", "sslkey", "ApplicationName", "user"}) {
            assertThat(Secrets.isSecretProperty(plain)).as(plain).isFalse();
        }
        assertThat(PoolSetting.PASSWORD.shown("x")).isEqualTo(Secrets.MASK);
        assertThat(PoolSetting.PASSWORD.shown("")).isEmpty();
        assertThat(PoolSetting.URL.shown("jdbc:postgresql://h/d?sslpassword=x")).isEqualTo(
                "jdbc:postgresql://h/d?sslpassword=" + Secrets.MASK);
        assertThat(PoolSetting.MAX_SIZE.shown("7")).isEqualTo("7");
    }
}
