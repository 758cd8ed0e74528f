package io.github.pgpool.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Throws many random values at the validator: each is either accepted or rejected with a message that names the
 * setting and never shows a secret. The generator is seeded, so a failure names the seed that reproduces it.
 */
class PoolSettingsPropertiesTest {
    private static final long SEED = 20261124L;
    private static final String[] INTERESTING = {"", " ", "0", "-0", "1e9", "NaN", "Infinity", "1.5", "500ms", "5m",
        "1h", "abc", "sslmode=require", "k=v;k=v", "detect", "always", "99999999999999999999999", "0.0001", "1.",
        ".5", "10 s", "2147483648", "-1", "+1", "1h1m", "ms", "sslpassword=x;broken"};
    private static final String ALPHABET = "0123456789.-msh ;=aZ_\t";

    private final SplittableRandom random = new SplittableRandom(SEED);

    private String randomValue() {
        switch (random.nextInt(4)) {
            case 0:
                return INTERESTING[random.nextInt(INTERESTING.length)];
            case 1:
                return Long.toString(random.nextLong());
            case 2:
                return Long.toString(random.nextInt(-5, 200_000));
            default:
                StringBuilder b = new StringBuilder();
                int length = random.nextInt(25);
                for (int i = 0; i < length; i++) {
                    b.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
                }
                return b.toString();
        }
    }

    @Test
    void everyValueIsAcceptedOrRejectedWithAClearMessage() {
        PoolSetting[] settings = PoolSetting.values();
        for (int i = 0; i < 20_000; i++) {
            PoolSetting setting = settings[random.nextInt(settings.length)];
            String value = randomValue();
            String context = "seed " + SEED + ", try " + i + ": " + setting.displayName() + "=" + value;
            try {
                PoolSettings s = PoolSettings.builder().databaseName("db").set(setting, value).build();
                assertThat(s.text(setting)).as(context).isNotNull();
            } catch (InvalidSettingException e) {
                assertThat(e.getMessage()).as(context).startsWith(setting.displayName() + "=").contains(" is invalid: ");
                assertThat(e.setting()).as(context).isEqualTo(setting.displayName());
                if (setting.type() == SettingType.SECRET && !value.isEmpty()) {
                    assertThat(e.getMessage()).as(context).doesNotContain(value);
                }
            }
        }
    }

    @Test
    void durationsThatParseFormatBackToTheSameValue() {
        int accepted = 0;
        for (int i = 0; i < 20_000; i++) {
            String text = randomValue();
            try {
                Duration d = Durations.parse("Expires", text);
                accepted++;
                assertThat(d.isNegative()).as(text).isFalse();
                assertThat(Durations.parse("Expires", Durations.format(d))).as(text).isEqualTo(d);
            } catch (InvalidSettingException e) {
                assertThat(e.getMessage()).as(text).startsWith("Expires=").contains(" is invalid: ");
            }
        }
        assertThat(accepted).as("the generator also makes valid durations").isGreaterThan(1_000);
    }
}
