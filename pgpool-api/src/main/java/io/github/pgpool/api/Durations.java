package io.github.pgpool.api;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads and writes durations in pgpool's (and django_pgpool's) notation: a plain number means seconds and may have
 * decimals ({@code 10}, {@code 1.5}); a unit suffix is also accepted ({@code 500ms}, {@code 2s}, {@code 5m},
 * {@code 1h}). Durations are kept to the millisecond; a value with a finer part is rejected rather than rounded.
 *
 * <p>It also holds the time arithmetic the engine needs that must never overflow: {@link #saturatedAdd},
 * {@link #toNanos}, {@link #deadline} and {@link #remaining} for {@link System#nanoTime()} readings, and
 * {@link #toIntMillis}/{@link #toIntSeconds} for JDBC's {@code int} timeouts. Stateless.
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

    /**
     * The longest interval {@link #deadline} adds to a clock reading: half the range of {@code long} nanoseconds
     * (146 years), so that the difference of two {@link System#nanoTime()} readings and a deadline is always exact.
     */
    public static final long MAX_INTERVAL_NANOS = Long.MAX_VALUE / 2;

    /** @return {@code a + b}, or {@link Long#MAX_VALUE}/{@link Long#MIN_VALUE} where the sum would overflow */
    public static long saturatedAdd(long a, long b) {
        long sum = a + b;
        // Overflow happened exactly when both operands have the same sign and the sum's sign differs.
        if (((a ^ sum) & (b ^ sum)) < 0) {
            return a < 0 ? Long.MIN_VALUE : Long.MAX_VALUE;
        }
        return sum;
    }

    /** @return {@code a * b} for non-negative operands, or {@link Long#MAX_VALUE} where it would overflow */
    public static long saturatedMultiply(long a, long b) {
        if (a < 0 || b < 0) {
            throw new IllegalArgumentException("negative operand: " + a + " * " + b);
        }
        return b != 0 && a > Long.MAX_VALUE / b ? Long.MAX_VALUE : a * b;
    }

    /** @return the duration in nanoseconds, {@code 0} if negative, {@link Long#MAX_VALUE} if it does not fit */
    public static long toNanos(Duration d) {
        if (d.isNegative()) {
            return 0;
        }
        return d.getSeconds() >= Long.MAX_VALUE / 1_000_000_000L ? Long.MAX_VALUE
                : d.getSeconds() * 1_000_000_000L + d.getNano();
    }

    /**
     * The deadline {@code timeoutNanos} after the clock reading {@code now}, to be compared with later readings by
     * {@link #remaining}, never with {@code <}. Plain {@code long} addition is right for {@link System#nanoTime()}
     * (its readings may themselves be near either end of {@code long} and only their differences count), so a
     * saturating add would be wrong here; instead the interval is capped at {@link #MAX_INTERVAL_NANOS}, which keeps
     * every difference exact.
     *
     * @param timeoutNanos the interval; negative counts as 0
     */
    public static long deadline(long now, long timeoutNanos) {
        return now + Math.min(Math.max(0, timeoutNanos), MAX_INTERVAL_NANOS);
    }

    /** @return the nanoseconds from the clock reading {@code now} until {@code deadline}, never negative */
    public static long remaining(long deadline, long now) {
        return Math.max(0, deadline - now);
    }

    /** @return the duration in whole milliseconds for an {@code int} timeout, rounded up, at most {@code int} max */
    public static int toIntMillis(Duration d) {
        long nanos = toNanos(d);
        long millis = nanos / 1_000_000L + (nanos % 1_000_000L == 0 ? 0 : 1);
        return (int) Math.min(Integer.MAX_VALUE, millis);
    }

    /**
     * @return the duration in whole seconds for an {@code int} timeout (such as {@code Connection.isValid}),
     *     rounded up so that a short timeout never becomes 0 (which means "no timeout" there), at most {@code int}
     *     max
     */
    public static int toIntSeconds(Duration d) {
        long nanos = toNanos(d);
        long seconds = nanos / 1_000_000_000L + (nanos % 1_000_000_000L == 0 ? 0 : 1);
        return (int) Math.min(Integer.MAX_VALUE, seconds);
    }

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
