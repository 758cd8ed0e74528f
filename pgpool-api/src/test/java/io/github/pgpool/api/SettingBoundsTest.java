package io.github.pgpool.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The edges of every numeric and duration setting: below the least value, the least, the largest, above it, huge,
 * negative, blank, and every unit. A value past an edge is rejected with a message naming the setting, the value and
 * the rule; nothing is clamped.
 */
class SettingBoundsTest {
    private static final long DAY_MS = 86_400_000L;
    private static final long YEAR_MS = 365 * DAY_MS;

    private static PoolSettings.Builder valid() {
        return PoolSettings.builder().databaseName("shop");
    }

    @Test
    void everyDurationHasTheDocumentedLongestValue() {
        assertThat(PoolSetting.MAX_WAIT.maxDuration()).contains(Duration.ofHours(24));
        assertThat(PoolSetting.CONNECT_TIMEOUT.maxDuration()).contains(Duration.ofHours(24));
        assertThat(PoolSetting.VALIDATION_TIMEOUT.maxDuration()).contains(Duration.ofHours(24));
        assertThat(PoolSetting.EXPIRES.maxDuration()).contains(Duration.ofDays(365));
        assertThat(PoolSetting.CLEANUP.maxDuration()).contains(Duration.ofDays(365));
        assertThat(PoolSetting.VALIDATE_IDLE.maxDuration()).contains(Duration.ofDays(365));
        assertThat(PoolSetting.LEAK_THRESHOLD.maxDuration()).contains(Duration.ofDays(365));
        assertThat(PoolSetting.MAX_SIZE.maxDuration()).isEmpty();
        for (PoolSetting s : PoolSetting.values()) {
            if (s.type() == SettingType.DURATION) {
                long max = s.maxDuration().orElseThrow().toMillis();
                // The bound must hold where the value goes: int milliseconds (JDBC network timeouts) for waits,
                // and nanoseconds added to a clock reading far from overflow for lifetimes.
                assertThat(max).as(s.displayName()).isLessThanOrEqualTo(max == DAY_MS ? Integer.MAX_VALUE : YEAR_MS);
                assertThat(s.rule()).as(s.displayName()).contains("at most " + (max == DAY_MS ? "24h" : "8760h"));
            }
        }
    }

    static Stream<Arguments> durationEdges() {
        List<Arguments> cases = new ArrayList<>();
        for (PoolSetting s : PoolSetting.values()) {
            if (s.type() != SettingType.DURATION) {
                continue;
            }
            long max = s.maxDuration().orElseThrow().toMillis();
            boolean zeroAllowed = !s.rule().startsWith("must be a duration");
            cases.add(Arguments.of(s, "0", zeroAllowed ? 0L : null));
            cases.add(Arguments.of(s, "1ms", 1L));
            cases.add(Arguments.of(s, "0.001", 1L));
            cases.add(Arguments.of(s, "1.5", 1500L));
            cases.add(Arguments.of(s, "500ms", 500L));
            cases.add(Arguments.of(s, "2s", 2000L));
            cases.add(Arguments.of(s, "5m", 300_000L));
            cases.add(Arguments.of(s, "1h", 3_600_000L));
            cases.add(Arguments.of(s, " 7 ", 7000L));
            cases.add(Arguments.of(s, max + "ms", max));
            cases.add(Arguments.of(s, (max / 3_600_000L) + "h", max));
            cases.add(Arguments.of(s, (max + 1) + "ms", null));
            cases.add(Arguments.of(s, (max / 3_600_000L + 1) + "h", null));
            cases.add(Arguments.of(s, "9223372036850ms", null)); // overflowed to "at once" before (issue 15)
            cases.add(Arguments.of(s, "3000000000", null)); // 3e9 s: every connect failed in pgjdbc (issue 15)
            cases.add(Arguments.of(s, "99999999999999999999h", null));
            cases.add(Arguments.of(s, "-1", null));
            cases.add(Arguments.of(s, "-1ms", null));
            cases.add(Arguments.of(s, "", null));
            cases.add(Arguments.of(s, " ", null));
            cases.add(Arguments.of(s, "0.0001", null));
            cases.add(Arguments.of(s, "1d", null));
            cases.add(Arguments.of(s, "1 h 5m", null));
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0}={1}")
    @MethodSource("durationEdges")
    void durationEdges(PoolSetting s, String text, Long expectedMillis) {
        if (expectedMillis == null) {
            assertThatThrownBy(() -> valid().set(s, text)).isInstanceOf(InvalidSettingException.class)
                    .hasMessageStartingWith(s.displayName() + "=" + text + " is invalid: ")
                    .satisfies(e -> assertThat(((InvalidSettingException) e).setting()).isEqualTo(s.displayName()));
        } else {
            PoolSettings built = valid().set(s, text).build();
            assertThat(Durations.parse(s.displayName(), built.text(s))).isEqualTo(Duration.ofMillis(expectedMillis));
        }
    }

    @Test
    void tooLargeSaysTheLongestValue() {
        assertThatThrownBy(() -> valid().set("Cleanup", "9223372036850ms"))
                .hasMessageStartingWith("Cleanup=9223372036850ms is invalid: too large; must be 0 (disabled) or a "
                        + "duration of at least 1ms and at most 8760h (365 days)");
        assertThatThrownBy(() -> valid().set("ConnectTimeout", "3000000000"))
                .hasMessageStartingWith("ConnectTimeout=3000000000 is invalid: too large; must be a duration of at "
                        + "least 1ms and at most 24h");
        assertThatThrownBy(() -> valid().set("MaxWait", "3000000000"))
                .hasMessageContaining("at most 24h");
        assertThatThrownBy(() -> valid().connectTimeout(Duration.ofHours(24).plusMillis(1)))
                .hasMessageStartingWith("ConnectTimeout=PT24H0.001S is invalid: too large");
        assertThatThrownBy(() -> valid().expires(Duration.ofSeconds(Long.MAX_VALUE)))
                .hasMessageContaining("too large");
        assertThat(valid().expires(Duration.ofDays(365)).build().expires()).isEqualTo(Duration.ofDays(365));
    }

    static Stream<Arguments> integerEdges() {
        return Stream.of(
                Arguments.of(PoolSetting.MAX_SIZE, "0", null), Arguments.of(PoolSetting.MAX_SIZE, "1", 1),
                Arguments.of(PoolSetting.MAX_SIZE, "100000", 100_000),
                Arguments.of(PoolSetting.MAX_SIZE, "100001", null),
                Arguments.of(PoolSetting.MAX_SIZE, "-1", null), Arguments.of(PoolSetting.MAX_SIZE, "", null),
                Arguments.of(PoolSetting.MAX_SIZE, " ", null), Arguments.of(PoolSetting.MAX_SIZE, "1.0", null),
                Arguments.of(PoolSetting.MAX_SIZE, "2147483648", null),
                Arguments.of(PoolSetting.MAX_SIZE, "99999999999999999999", null),
                Arguments.of(PoolSetting.MAX_SIZE, " 7 ", 7),
                Arguments.of(PoolSetting.PORT_NUMBER, "0", null), Arguments.of(PoolSetting.PORT_NUMBER, "1", 1),
                Arguments.of(PoolSetting.PORT_NUMBER, "65535", 65_535),
                Arguments.of(PoolSetting.PORT_NUMBER, "65536", null),
                Arguments.of(PoolSetting.PORT_NUMBER, "-5432", null),
                Arguments.of(PoolSetting.PORT_NUMBER, "5432s", null),
                Arguments.of(PoolSetting.PORT_NUMBER, "", null));
    }

    @ParameterizedTest(name = "{0}={1}")
    @MethodSource("integerEdges")
    void integerEdges(PoolSetting s, String text, Integer expected) {
        if (expected == null) {
            assertThatThrownBy(() -> valid().set(s, text)).isInstanceOf(InvalidSettingException.class)
                    .hasMessageStartingWith(s.displayName() + "=" + text + " is invalid: must be a whole number from");
        } else {
            PoolSettings built = valid().set(s, text).build();
            assertThat(s == PoolSetting.MAX_SIZE ? built.maxSize() : built.portNumber()).isEqualTo(expected);
        }
    }

    @Test
    void sessionResetTakesItsThreeWordsOnly() {
        assertThat(valid().build().sessionReset()).isEqualTo(SessionResetMode.DETECT);
        assertThat(valid().set("SessionReset", "ALWAYS").build().sessionReset()).isEqualTo(SessionResetMode.ALWAYS);
        assertThat(valid().set("SessionReset", " none ").build().sessionReset()).isEqualTo(SessionResetMode.NONE);
        assertThat(valid().sessionReset(SessionResetMode.NONE).build().text(PoolSetting.SESSION_RESET))
                .isEqualTo("none");
        assertThat(valid().alwaysResetSession(true).build().alwaysResetSession()).isTrue();
        for (String bad : new String[] {"", "never", "discard", "0"}) {
            assertThatThrownBy(() -> valid().set("SessionReset", bad))
                    .hasMessageStartingWith("SessionReset=" + bad + " is invalid: must be one of detect, always, none");
        }
    }
}
