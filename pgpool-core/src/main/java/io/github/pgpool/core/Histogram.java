package io.github.pgpool.core;

import io.github.pgpool.api.HistogramSnapshot;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counts durations in fixed buckets ({@link HistogramSnapshot#DEFAULT_BOUNDS}) and sums them, for the pool's
 * create, wait and use times.
 *
 * <p>Lock-free: each bucket and the sum are {@link LongAdder}s, which spread concurrent increments over cells per
 * thread instead of making borrowers contend for one word. Recording allocates nothing (an adder grows its cells
 * once, the first times it is contended). A snapshot taken while values are recorded may count a value in its
 * bucket but not yet in the sum, or the other way round; each figure on its own is exact.
 */
final class Histogram {
    private final double[] boundsSeconds;
    /** The bounds in nanoseconds: a bucket counts values at or below its bound (and above the one before). */
    private final long[] boundsNanos;
    private final LongAdder[] buckets;
    private final LongAdder sumNanos = new LongAdder();

    Histogram() {
        this(HistogramSnapshot.DEFAULT_BOUNDS);
    }

    Histogram(double[] boundsSeconds) {
        this.boundsSeconds = boundsSeconds.clone();
        this.boundsNanos = new long[boundsSeconds.length];
        for (int i = 0; i < boundsSeconds.length; i++) {
            boundsNanos[i] = Math.round(boundsSeconds[i] * 1e9);
        }
        this.buckets = new LongAdder[boundsSeconds.length + 1];
        for (int i = 0; i < buckets.length; i++) {
            buckets[i] = new LongAdder();
        }
    }

    /** Records one duration; a negative one (clocks read on different threads) counts as 0. */
    void record(long nanos) {
        long[] bounds = boundsNanos;
        int i = 0;
        // Linear from the bottom: most values (a borrow that did not wait, a short loan) fall in the first buckets,
        // where this is quicker than a binary search.
        while (i < bounds.length && nanos > bounds[i]) {
            i++;
        }
        buckets[i].increment();
        if (nanos > 0) {
            sumNanos.add(nanos);
        }
    }

    HistogramSnapshot snapshot() {
        long[] counts = new long[buckets.length];
        for (int i = 0; i < counts.length; i++) {
            counts[i] = buckets[i].sum();
        }
        return new HistogramSnapshot(boundsSeconds, counts, sumNanos.sum() / 1e9);
    }
}
