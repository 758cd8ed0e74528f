package io.github.pgpool.api;

import java.util.Arrays;
import javax.management.ConstructorParameters;

/**
 * A distribution of durations in fixed buckets, as a pool recorded it: how many values fell at or below each upper
 * bound (and above the last one), their count and their sum, all in seconds. The buckets are cumulative over the
 * pool's life from the moment recording began (see {@link PoolMetricsSnapshot#recording()}), so two snapshots can be
 * subtracted to get the distribution between them, as Prometheus and OpenTelemetry do.
 *
 * <p>Bucket {@code i} counts values {@code v} with {@code bounds[i-1] < v <= bounds[i]}; the last bucket, one more
 * than there are bounds, counts values above the last bound. The bounds are the same for every pool and every
 * histogram ({@link #DEFAULT_BOUNDS}). Immutable; the arrays are copied in and out.
 *
 * <p>The class is an MXBean-mappable type: it travels over JMX as {@code CompositeData} with the items
 * {@code count}, {@code sumSeconds}, {@code meanSeconds}, {@code boundsSeconds} and {@code bucketCounts}.
 */
public final class HistogramSnapshot {
    /**
     * The upper bounds of the buckets, in seconds. The semantic conventions give no advice for the connection pool
     * histograms; these are the boundaries they advise for database operations
     * ({@code 0.001 ... 10}), extended down to 100 us because a pool that does not have to wait hands out a
     * connection in microseconds (a wait in the lowest buckets is the healthy case worth telling apart from a
     * millisecond one), and up to 60 s because waits approach MaxWait and loans can last as long as a batch job.
     */
    public static final double[] DEFAULT_BOUNDS = {0.0001, 0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10,
            30, 60};

    private final double[] bounds;
    private final long[] counts;
    private final double sum;

    /**
     * @param boundsSeconds the buckets' upper bounds in seconds, strictly increasing
     * @param bucketCounts one count per bound plus one for values above the last bound
     * @param sumSeconds the sum of all recorded values, in seconds
     * @throws IllegalArgumentException if the arrays do not fit together
     */
    @ConstructorParameters({"boundsSeconds", "bucketCounts", "sumSeconds"})
    public HistogramSnapshot(double[] boundsSeconds, long[] bucketCounts, double sumSeconds) {
        if (bucketCounts.length != boundsSeconds.length + 1) {
            throw new IllegalArgumentException("a histogram needs one bucket count per bound plus one, got "
                    + bucketCounts.length + " counts for " + boundsSeconds.length + " bounds");
        }
        for (int i = 1; i < boundsSeconds.length; i++) {
            if (!(boundsSeconds[i] > boundsSeconds[i - 1])) {
                throw new IllegalArgumentException("histogram bounds must increase: " + Arrays.toString(boundsSeconds));
            }
        }
        this.bounds = boundsSeconds.clone();
        this.counts = bucketCounts.clone();
        this.sum = sumSeconds;
    }

    /** @return an empty histogram with the {@link #DEFAULT_BOUNDS} */
    public static HistogramSnapshot empty() {
        return new HistogramSnapshot(DEFAULT_BOUNDS, new long[DEFAULT_BOUNDS.length + 1], 0);
    }

    /** @return the buckets' upper bounds in seconds (a copy) */
    public double[] getBoundsSeconds() {
        return bounds.clone();
    }

    /** @return the count of each bucket, one more than there are bounds (a copy) */
    public long[] getBucketCounts() {
        return counts.clone();
    }

    /** @return how many values were recorded */
    public long getCount() {
        long n = 0;
        for (long c : counts) {
            n += c;
        }
        return n;
    }

    /** @return the sum of the recorded values, in seconds */
    public double getSumSeconds() {
        return sum;
    }

    /** @return the mean of the recorded values in seconds, or 0 when there are none */
    public double getMeanSeconds() {
        long n = getCount();
        return n == 0 ? 0 : sum / n;
    }

    /**
     * @param boundSeconds one of the {@linkplain #getBoundsSeconds() bounds}
     * @return how many values were at or below it (Prometheus' {@code le} bucket)
     * @throws IllegalArgumentException if it is not one of the bounds
     */
    public long countAtOrBelow(double boundSeconds) {
        long n = 0;
        for (int i = 0; i < bounds.length; i++) {
            n += counts[i];
            if (bounds[i] == boundSeconds) {
                return n;
            }
        }
        throw new IllegalArgumentException(boundSeconds + " is not a bound of this histogram: "
                + Arrays.toString(bounds));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof HistogramSnapshot h && Arrays.equals(bounds, h.bounds) && Arrays.equals(counts, h.counts)
                && Double.compare(sum, h.sum) == 0;
    }

    @Override
    public int hashCode() {
        return 31 * (31 * Arrays.hashCode(bounds) + Arrays.hashCode(counts)) + Double.hashCode(sum);
    }

    @Override
    public String toString() {
        return "HistogramSnapshot{count=" + getCount() + ", sumSeconds=" + sum + ", bounds=" + Arrays.toString(bounds)
                + ", counts=" + Arrays.toString(counts) + "}";
    }
}
