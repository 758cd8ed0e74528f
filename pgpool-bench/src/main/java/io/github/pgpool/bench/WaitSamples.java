package io.github.pgpool.bench;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * One benchmark thread's borrow waits in nanoseconds, in a plain growing array (no histogram library: the counts
 * are small, about 40,000 per second for all threads together, and an exact sort gives exact percentiles).
 * {@link #summary} merges the samples of all threads after they stopped.
 *
 * <p>Thread safety: not thread-safe; each instance is written by its own benchmark thread only and read by
 * {@link #summary} after JMH has stopped all of them (JMH's trial tear-down comes after every thread's last
 * operation).
 */
public final class WaitSamples {
    private long[] nanos = new long[1 << 14];
    private int count;

    /** Records one wait. */
    public void add(long waitNanos) {
        if (count == nanos.length) {
            nanos = Arrays.copyOf(nanos, count * 2);
        }
        nanos[count++] = waitNanos;
    }

    /**
     * @return one line {@code WAITS label n=... p50=...us p99=...us p99.9=...us max=...us} over the samples of all
     *         {@code threads}, in microseconds
     */
    public static String summary(String label, List<WaitSamples> threads) {
        int total = 0;
        for (WaitSamples t : threads) {
            total += t.count;
        }
        long[] all = new long[total];
        int at = 0;
        for (WaitSamples t : threads) {
            System.arraycopy(t.nanos, 0, all, at, t.count);
            at += t.count;
        }
        Arrays.sort(all);
        return String.format(Locale.ROOT, "WAITS %s n=%d p50=%.1fus p99=%.1fus p99.9=%.1fus max=%.1fus", label, total,
                micros(all, 0.50), micros(all, 0.99), micros(all, 0.999), total == 0 ? Double.NaN : all[total - 1] / 1e3);
    }

    /** Nearest-rank percentile. */
    private static double micros(long[] sorted, double quantile) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int rank = (int) Math.ceil(quantile * sorted.length);
        return sorted[Math.max(0, rank - 1)] / 1e3;
    }
}
