package io.github.pgpool.api;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Throws many random values at the validator: each is either accepted or rejected with a message naming it. */
class PoolSettingsPropertiesTest {
    @Property(tries = 3000)
    void everyValueIsAcceptedOrRejectedWithAClearMessage(@ForAll("settings") PoolSetting setting,
            @ForAll("values") String value) {
        try {
            PoolSettings s = PoolSettings.builder().databaseName("db").set(setting, value).build();
            assertThat(s.text(setting)).isNotNull();
        } catch (InvalidSettingException e) {
            assertThat(e.getMessage()).startsWith(setting.displayName() + "=");
            assertThat(e.setting()).isEqualTo(setting.displayName());
            if (setting == PoolSetting.PASSWORD) {
                assertThat(e.getMessage()).doesNotContain(value);
            }
        }
    }

    @Property(tries = 1000)
    void durationsThatParseFormatBackToTheSameValue(@ForAll("durations") String text) {
        try {
            java.time.Duration d = Durations.parse("Expires", text);
            assertThat(Durations.parse("Expires", Durations.format(d))).isEqualTo(d);
            assertThat(d.isNegative()).isFalse();
        } catch (InvalidSettingException e) {
            assertThat(e.getMessage()).startsWith("Expires=").contains(" is invalid: ");
        }
    }

    @Provide
    Arbitrary<PoolSetting> settings() {
        return Arbitraries.of(PoolSetting.class);
    }

    @Provide
    Arbitrary<String> values() {
        return Arbitraries.oneOf(
                Arbitraries.strings().ofMaxLength(12),
                Arbitraries.strings().withChars("0123456789.-msh ;=").ofMaxLength(25),
                Arbitraries.longs().map(String::valueOf),
                Arbitraries.of("", " ", "0", "-0", "1e9", "NaN", "Infinity", "1.5", "500ms", "5m", "1h", "abc",
                        "sslmode=require", "k=v;k=v", "detect", "always", "99999999999999999999999"));
    }

    @Provide
    Arbitrary<String> durations() {
        return Arbitraries.strings().withChars("0123456789.msh -").ofMaxLength(30);
    }
}
