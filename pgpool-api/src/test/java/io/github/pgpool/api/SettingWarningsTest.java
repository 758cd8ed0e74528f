package io.github.pgpool.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link PoolSettings#warnings()}: valid combinations that cannot do what was meant, and silence at the defaults. */
class SettingWarningsTest {
    private static PoolSettings.Builder valid() {
        return PoolSettings.builder().databaseName("shop");
    }

    @Test
    void theDefaultsWarnOfNothing() {
        assertThat(valid().build().warnings()).isEmpty();
        assertThat(valid().expires(Duration.ZERO).cleanup(Duration.ZERO).build().warnings()).isEmpty();
    }

    @Test
    void timeoutsLongerThanMaxWaitAreCutShort() {
        List<String> w = valid().maxWait(Duration.ofSeconds(2)).connectTimeout(Duration.ofSeconds(3))
                .validationTimeout(Duration.ofSeconds(4)).build().warnings();
        assertThat(w).containsExactly(
                "ConnectTimeout=3s is longer than MaxWait=2s: a borrower never waits longer than MaxWait, so an "
                        + "attempt to connect is cut off at MaxWait and ConnectTimeout has no effect beyond it.",
                "ValidationTimeout=4s is longer than MaxWait=2s: a borrower never waits longer than MaxWait, so a "
                        + "validity check is cut off at MaxWait and ValidationTimeout has no effect beyond it.");
        assertThat(valid().maxWait(Duration.ofSeconds(3)).connectTimeout(Duration.ofSeconds(3))
                .validationTimeout(Duration.ofSeconds(3)).build().warnings()).isEmpty();
        // Left at their defaults (10 s, 5 s), the timeouts were not chosen against a short MaxWait.
        assertThat(valid().maxWait(Duration.ofSeconds(1)).build().warnings()).isEmpty();
    }

    @Test
    void cleanupNotShorterThanExpiresIsMoot() {
        assertThat(valid().cleanup(Duration.ofMinutes(5)).expires(Duration.ofMinutes(5)).build().warnings())
                .singleElement().asString().startsWith("Cleanup=5m is not shorter than Expires=5m")
                .contains("Cleanup never closes anything");
        assertThat(valid().cleanup(Duration.ofMinutes(10)).expires(Duration.ZERO).build().warnings()).isEmpty();
    }

    @Test
    void validateIdleThatNoIdleConnectionReaches() {
        assertThat(valid().validateIdle(Duration.ofSeconds(30)).build().warnings()).singleElement().asString()
                .startsWith("ValidateIdle=30s is not shorter than Cleanup=20s");
        assertThat(valid().validateIdle(Duration.ofSeconds(400)).cleanup(Duration.ZERO).build().warnings())
                .singleElement().asString().startsWith("ValidateIdle=400s is not shorter than Expires=5m");
        assertThat(valid().validateIdle(Duration.ofHours(1)).cleanup(Duration.ZERO).expires(Duration.ZERO).build()
                .warnings()).isEmpty();
    }

    @Test
    void sessionResetNoneSaysWhatItCostsAndWhatPgBouncerNeeds() {
        String w = valid().sessionReset(SessionResetMode.NONE).build().warnings().get(0);
        assertThat(w).startsWith("SessionReset=none: session state").contains("PgBouncer").contains("prepareThreshold=0");
        assertThat(valid().sessionReset(SessionResetMode.NONE).driverProperties("prepareThreshold=0").build()
                .warnings()).singleElement().asString().doesNotContain("prepareThreshold");
        assertThat(PoolSettings.builder().url("jdbc:postgresql://h:6432/shop?preferQueryMode=simple")
                .sessionReset(SessionResetMode.NONE).build().warnings()).singleElement().asString()
                .doesNotContain("prepareThreshold");
    }

    @Test
    void severalHostsWithoutTargetServerTypeMayLandOnAStandby() {
        assertThat(PoolSettings.builder().url("jdbc:postgresql://h1,h2/shop").build().warnings()).singleElement()
                .asString().startsWith("Url names 2 hosts without targetServerType");
        assertThat(PoolSettings.builder().url("jdbc:postgresql://h1,h2/shop").driverProperties(
                "targetServerType=primary").build().warnings()).isEmpty();
        assertThat(PoolSettings.builder().url("jdbc:postgresql://h1/shop").build().warnings()).isEmpty();
    }
}
