package io.github.pgpool.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PoolSettingsTest {
    private static PoolSettings.Builder valid() {
        return PoolSettings.builder().databaseName("shop");
    }

    @Test
    void defaultsAreTheDocumentedOnes() {
        PoolSettings s = valid().build();
        assertThat(s.maxSize()).isEqualTo(20);
        assertThat(s.maxWait()).isEqualTo(Duration.ofSeconds(10));
        assertThat(s.expires()).isEqualTo(Duration.ofSeconds(300));
        assertThat(s.cleanup()).isEqualTo(Duration.ofSeconds(20));
        assertThat(s.serverName()).isEqualTo("localhost");
        assertThat(s.portNumber()).isEqualTo(5432);
        assertThat(s.leakThreshold()).isZero();
        assertThat(s.alwaysResetSession()).isFalse();
        assertThat(s.poolName()).isEqualTo("localhost:5432/shop");
        assertThat(s.toBuilder().user("app").build().poolName()).isEqualTo("app@localhost:5432/shop");
    }

    @ParameterizedTest
    @CsvSource({"10,10000", "1.5,1500", "0.25,250", "500ms,500", "2s,2000", "5m,300000", "1h,3600000",
        "' 7 ',7000", "0,0", "1.000,1000"})
    void readsDurationsAsDjangoPgpoolDoes(String text, long millis) {
        assertThat(valid().set(PoolSetting.EXPIRES, text).build().expires()).isEqualTo(Duration.ofMillis(millis));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "MaxSize|0|MaxSize=0 is invalid: must be a whole number from 1 to 100000",
        "MaxSize|-3|MaxSize=-3 is invalid: must be a whole number from 1 to 100000",
        "MaxSize|abc|MaxSize=abc is invalid: must be a whole number from 1 to 100000",
        "MaxSize|99999999999999999999|MaxSize=99999999999999999999 is invalid: must be a whole number",
        "PortNumber|70000|PortNumber=70000 is invalid: must be a whole number from 1 to 65535",
        "MaxWait|0|MaxWait=0 is invalid: must be a duration of at least 1ms",
        "MaxWait|abc|MaxWait=abc is invalid: not a duration; write seconds as a plain number",
        "MaxWait|-1|MaxWait=-1 is invalid: must not be negative",
        "Expires|10d|Expires=10d is invalid: not a duration",
        "Expires|1e3|Expires=1e3 is invalid: not a duration",
        "Cleanup|0.0001|Cleanup=0.0001 is invalid: durations are kept to the millisecond",
        "Cleanup|99999999999999999999h|Cleanup=99999999999999999999h is invalid: too large",
        "SessionReset|sometimes|SessionReset=sometimes is invalid: must be one of detect, always",
        "ServerName|' '|ServerName=  is invalid: must not be empty",
        "DriverProperties|sslmode|DriverProperties=sslmode is invalid: 'sslmode' is not key=value",
        "DriverProperties|a=1;a=2|DriverProperties=a=1;a=2 is invalid: 'a' is given twice",
        "NoSuchSetting|1|NoSuchSetting=(not shown) is invalid: there is no such setting; known settings are MaxSize",
    })
    void rejectsBadValuesNamingTheSettingTheValueAndTheRule(String name, String value, String message) {
        assertThatThrownBy(() -> valid().set(name, value)).isInstanceOf(InvalidSettingException.class)
                .hasMessageStartingWith(message);
    }

    @Test
    void requiresADatabase() {
        assertThatThrownBy(() -> PoolSettings.builder().build()).isInstanceOf(InvalidSettingException.class)
                .hasMessage("DatabaseName=(not set) is invalid: is required; must not be empty")
                .extracting(e -> ((InvalidSettingException) e).setting()).isEqualTo("DatabaseName");
    }

    @Test
    void typedSettersFollowTheSameRules() {
        assertThatThrownBy(() -> valid().maxWait(Duration.ofSeconds(-1))).hasMessageStartingWith("MaxWait=PT-1S")
                .hasMessageContaining("must not be negative");
        assertThatThrownBy(() -> valid().expires(Duration.ofNanos(1500))).hasMessageContaining("millisecond");
        assertThat(valid().maxWait(Duration.ofMillis(1500)).build().maxWait()).isEqualTo(Duration.ofMillis(1500));
    }

    @Test
    void zeroDisablesExpiresAndCleanup() {
        PoolSettings s = valid().set("expires", "0").set("CLEANUP", "0").build();
        assertThat(s.expires()).isZero();
        assertThat(s.cleanup()).isZero();
    }

    @Test
    void neverShowsThePassword() {
        PoolSettings s = valid().user("app").password("s3cr3t-pw").build();
        assertThat(s.toString()).doesNotContain("s3cr3t-pw").contains("Password=*****").contains("User=app");
        assertThat(s.text(PoolSetting.PASSWORD)).isEqualTo("*****");
        assertThat(s.defaultCredentials().toString()).doesNotContain("s3cr3t-pw");
        assertThatThrownBy(() -> valid().driverProperties("password=s3cr3t-pw"))
                .hasMessageNotContaining("s3cr3t-pw").hasMessageContaining("use Password instead");
    }

    @Test
    void secretDriverPropertiesAreMaskedInTextAndMessages() {
        PoolSettings s = valid().driverProperties("sslmode=verify-full;sslpassword=Key-Pw-123").build();
        assertThat(s.toString()).doesNotContain("Key-Pw-123").contains("sslpassword=*****")
                .contains("sslmode=verify-full");
        assertThat(s.driverProperties()).containsEntry("sslpassword", "Key-Pw-123");
        assertThatThrownBy(() -> valid().driverProperties("sslpassword=Key-Pw-123;sslpassword=again"))
                .hasMessageNotContaining("Key-Pw-123").hasMessageContaining("'sslpassword' is given twice");
        // What follows a secret may be its tail (an unescaped ';'), so it is never shown (issue 15).
        assertThatThrownBy(() -> valid().driverProperties("sslpassword=Key-Pw-123;broken"))
                .hasMessageNotContaining("Key-Pw-123").hasMessageNotContaining("broken")
                .hasMessageContaining("pair 2 (after the secret 'sslpassword', not shown) is not key=value");
    }

    @Test
    void driverPropertiesKeepTheirOrder() {
        PoolSettings s = valid().driverProperties(" sslmode=require ; ApplicationName=shop;").build();
        assertThat(s.driverProperties()).containsExactly(java.util.Map.entry("sslmode", "require"),
                java.util.Map.entry("ApplicationName", "shop"));
        assertThatThrownBy(() -> valid().driverProperties("PGHOST=x")).hasMessageContaining("use ServerName instead");
    }

    @Test
    void canonicalTextReadsBackToTheSameSettings() {
        PoolSettings s = valid().maxWait(Duration.ofMillis(1500)).expires(Duration.ofHours(1))
                .cleanup(Duration.ofMinutes(5)).driverProperties("sslmode=disable").build();
        PoolSettings.Builder copy = PoolSettings.builder();
        for (PoolSetting setting : PoolSetting.values()) {
            if (setting != PoolSetting.PASSWORD) {
                copy.set(setting, s.text(setting));
            }
        }
        assertThat(copy.build()).isEqualTo(s);
        assertThat(s.text(PoolSetting.MAX_WAIT)).isEqualTo("1500ms");
    }

    @Test
    void everySettingHasADescriptionAndARule() {
        for (PoolSetting s : PoolSetting.values()) {
            assertThat(s.description()).as(s.displayName()).isNotBlank();
            assertThat(s.rule()).as(s.displayName()).isNotBlank();
            assertThat(PoolSetting.forName(s.displayName().toLowerCase(java.util.Locale.ROOT))).contains(s);
            s.defaultText().ifPresent(d -> PoolSettings.builder().set(s, d));
        }
        assertThat(PoolSetting.DATABASE_NAME.isRequired()).isTrue();
    }
}
