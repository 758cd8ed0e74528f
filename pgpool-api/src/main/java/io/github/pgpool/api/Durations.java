package io.github.pgpool.api;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads and writes durations in pgpool's (and django_pgpool's) notation: a plain number means seconds and may have
 * decimals ({@code 10}, {@code 1.5}); a unit suffix is also accepted ({@code 500ms}, {@code 2s}, {@code 5m},
 * {@code 1h}). Durations are kept to the millisecond; a value with a finer part is rejected rather than rounded.
 */
public final class Durations {
    private static final Pattern FORM = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ms|s|m|h)?");
    private static final BigDecimal MAX_MILLIS = BigDecimal.valueOf(Long.MAX_VALUE / 1_000_000L);

    private Durations() {
    }

    /**
     * Parses a duration.
     *
     * @param setting the setting's name, used in the error message
     * @param text the text form, surrounding blanks allowed
     * @return the duration, never negative
     * @throws InvalidSettingException if the text is not a duration in this notation, is negative, has a part
     *     finer than a millisecond, or is too large to represent
     */
    public static Duration parse(String setting, String text) {
        String shown = String.valueOf(text);
        if (text == null || text.isBlank()) {
            throw new InvalidSettingException(setting, shown, "a duration is required: " + RULE);
        }
        String trimmed = text.trim();
        if (trimmed.startsWith("-")) {
            throw new InvalidSettingException(setting, shown, "must not be negative; " + RULE);
        }
        Matcher m = FORM.matcher(trimmed);
        if (!m.matches()) {
            throw new InvalidSettingException(setting, shown, "not a duration; " + RULE);
        }
        BigDecimal millis = new BigDecimal(m.group(1)).multiply(BigDecimal.valueOf(unitMillis(m.group(2))));
        if (millis.compareTo(MAX_MILLIS) > 0) {
            throw new InvalidSettingException(setting, shown, "too large; the longest duration is "
                    + MAX_MILLIS.toPlainString() + "ms");
        }
        if (millis.stripTrailingZeros().scale() > 0) {
            throw new InvalidSettingException(setting, shown, "durations are kept to the millisecond; "
                    + "write a whole number of milliseconds (for example 1.5 or 1500ms)");
        }
        return Duration.ofMillis(millis.longValueExact());
    }

    /**
     * Writes a duration in the shortest exact form of this notation: {@code 0}, {@code 500ms}, {@code 10s},
     * {@code 5m}, {@code 1h} or {@code 1.5s}-style decimals are avoided in favour of milliseconds.
     *
     * @param duration a duration kept to the millisecond
     * @return text that {@link #parse} reads back to the same duration
     */
    public static String format(Duration duration) {
        long ms = duration.toMillis();
        if (ms == 0) {
            return "0";
        }
        if (ms % 3_600_000L == 0) {
            return ms / 3_600_000L + "h";
        }
        if (ms % 60_000L == 0) {
            return ms / 60_000L + "m";
        }
        if (ms % 1_000L == 0) {
            return ms / 1_000L + "s";
        }
        return ms + "ms";
    }

    /** The rule in words, for messages and documentation. */
    public static final String RULE = "write seconds as a plain number (10, 1.5) or use a unit: 500ms, 2s, 5m, 1h";

    private static long unitMillis(String unit) {
        if (unit == null || unit.equals("s")) {
            return 1_000L;
        }
        switch (unit) {
            case "ms":
                return 1L;
            case "m":
                return 60_000L;
            default:
                return 3_600_000L;
        }
    }
}
