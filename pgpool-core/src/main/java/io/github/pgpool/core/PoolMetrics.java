package io.github.pgpool.core;

import io.github.pgpool.api.PoolMetricsSnapshot;
import io.github.pgpool.api.PoolStatistics;
import io.github.pgpool.api.PoolTimingListener;
import java.lang.System.Logger.Level;
import java.util.Arrays;

/**
 * Records a pool's create, wait and use times for monitoring, and makes the {@link PoolMetricsSnapshot} of them and
 * of the pool's {@link PoolStatistics}.
 *
 * <p>Nothing is recorded until somebody reads: a snapshot (the MXBean's histogram attributes, {@link PgPool#metrics()})
 * switches the pool's own histograms on, a {@link PoolTimingListener} gets the durations from when it is added.
 * Until then each measuring point costs one volatile read, so that a pool nobody monitors pays nothing for it.
 *
 * <p>Lock-free on the recording path: who reads is one immutable {@link Sink} in a volatile field; the rare changes
 * of it (a reader arrives or leaves) take this object's monitor.
 */
final class PoolMetrics {
    private static final System.Logger LOG = System.getLogger(PoolMetrics.class.getName());
    private static final PoolTimingListener[] NONE = {};

    private final Histogram createTime = new Histogram();
    private final Histogram waitTime = new Histogram();
    private final Histogram useTime = new Histogram();
    /** {@code null} while nobody reads; replaced, never changed, under this object's monitor. */
    private volatile Sink sink;

    /** A connection was opened in {@code nanos}. */
    void created(long nanos) {
        Sink s = sink;
        if (s != null) {
            s.created(Math.max(0, nanos));
        }
    }

    /** A borrower got a connection after {@code nanos}. */
    void waited(long nanos) {
        Sink s = sink;
        if (s != null) {
            s.waited(Math.max(0, nanos));
        }
    }

    /** A borrower gave a connection back after holding it {@code nanos}. */
    void used(long nanos) {
        Sink s = sink;
        if (s != null) {
            s.used(Math.max(0, nanos));
        }
    }

    /** @return whether the pool's own histograms record */
    boolean isRecording() {
        Sink s = sink;
        return s != null && s.histograms;
    }

    /** Switches the pool's own histograms on (idempotent). */
    synchronized void startRecording() {
        Sink s = sink;
        if (s == null || !s.histograms) {
            sink = new Sink(true, s == null ? NONE : s.listeners);
        }
    }

    synchronized void addListener(PoolTimingListener listener) {
        Sink s = sink;
        PoolTimingListener[] old = s == null ? NONE : s.listeners;
        PoolTimingListener[] listeners = Arrays.copyOf(old, old.length + 1);
        listeners[old.length] = listener;
        sink = new Sink(s != null && s.histograms, listeners);
    }

    /** Removes one registration of {@code listener}; {@code false} if it was not added. */
    synchronized boolean removeListener(PoolTimingListener listener) {
        Sink s = sink;
        if (s == null) {
            return false;
        }
        PoolTimingListener[] old = s.listeners;
        for (int i = 0; i < old.length; i++) {
            if (old[i] == listener) {
                PoolTimingListener[] listeners = new PoolTimingListener[old.length - 1];
                System.arraycopy(old, 0, listeners, 0, i);
                System.arraycopy(old, i + 1, listeners, i, old.length - i - 1);
                sink = !s.histograms && listeners.length == 0 ? null : new Sink(s.histograms, listeners);
                return true;
            }
        }
        return false;
    }

    /**
     * The figures for monitoring; switches the histograms on, so that the next snapshot has what happened since.
     * Its {@code recording} says whether they were on before this call.
     */
    PoolMetricsSnapshot snapshot(PoolStatistics stats) {
        boolean wasRecording = isRecording();
        startRecording();
        return new PoolMetricsSnapshot(stats.poolName(), stats.active(), stats.idle(), 0, stats.maxSize(),
                stats.maxSize(), stats.waiting(), stats.timeouts(), createTime.snapshot(), waitTime.snapshot(),
                useTime.snapshot(), wasRecording);
    }

    /** Who reads the durations: the pool's histograms, listeners, or both. Immutable. */
    private final class Sink {
        final boolean histograms;
        final PoolTimingListener[] listeners;

        Sink(boolean histograms, PoolTimingListener[] listeners) {
            this.histograms = histograms;
            this.listeners = listeners;
        }

        void created(long nanos) {
            if (histograms) {
                createTime.record(nanos);
            }
            for (PoolTimingListener l : listeners) {
                try {
                    l.connectionCreated(nanos);
                } catch (RuntimeException e) {
                    failed(l, e);
                }
            }
        }

        void waited(long nanos) {
            if (histograms) {
                waitTime.record(nanos);
            }
            for (PoolTimingListener l : listeners) {
                try {
                    l.waited(nanos);
                } catch (RuntimeException e) {
                    failed(l, e);
                }
            }
        }

        void used(long nanos) {
            if (histograms) {
                useTime.record(nanos);
            }
            for (PoolTimingListener l : listeners) {
                try {
                    l.used(nanos);
                } catch (RuntimeException e) {
                    failed(l, e);
                }
            }
        }
    }

    private static void failed(PoolTimingListener listener, RuntimeException e) {
        LOG.log(Level.DEBUG, "pgpool: timing listener " + listener.getClass().getName() + " failed", e);
    }
}
