package io.github.pgpool.jca;

import io.github.pgpool.api.InvalidSettingException;
import io.github.pgpool.api.PoolSettings;
import io.github.pgpool.core.PgPool;
import jakarta.resource.ResourceException;
import jakarta.resource.spi.InvalidPropertyException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The pools of one resource adapter instance, shared by configuration. A server may create several managed connection
 * factories with equal settings (Payara does, for example, when it re-reads a pool's configuration); they must share
 * one {@link PgPool}, or MaxSize would no longer be a hard limit. Each factory holds a counted {@link Reference}; the
 * pool closes when the last reference goes, and every pool closes when the adapter stops.
 */
final class PoolRegistry {
    /** Pools of factories used without a resource adapter (non-managed use, or a deserialised factory). */
    static final PoolRegistry STANDALONE = new PoolRegistry();

    private final Map<PoolSettings, Entry> entries = new HashMap<>();
    private boolean closed;

    /**
     * @return a reference to the pool for these settings, started now if there is none
     * @throws ResourceException if the registry is closed (the adapter stopped) or the pool cannot start
     */
    Reference acquire(PoolSettings settings) throws ResourceException {
        PgPool pool;
        synchronized (this) {
            if (closed) {
                throw new jakarta.resource.spi.IllegalStateException("pgpool: the resource adapter is stopped");
            }
            Entry entry = entries.get(settings);
            if (entry == null || entry.pool.isClosed()) {
                try {
                    entry = new Entry(PgPool.start(settings));
                } catch (InvalidSettingException e) {
                    throw new InvalidPropertyException(e.getMessage()); // settings were validated: not expected
                }
                entries.put(settings, entry);
            }
            entry.references++;
            pool = entry.pool;
        }
        return new Reference(this, settings, pool);
    }

    private void release(PoolSettings settings, PgPool pool) {
        synchronized (this) {
            Entry entry = entries.get(settings);
            if (entry == null || entry.pool != pool || --entry.references > 0) {
                return;
            }
            entries.remove(settings);
        }
        pool.close(); // outside the lock: closing closes idle connections
    }

    /** Closes every pool; later {@link #acquire} calls fail. Idempotent. */
    void close() {
        List<PgPool> pools;
        synchronized (this) {
            closed = true;
            pools = new ArrayList<>(entries.size());
            for (Entry e : entries.values()) {
                pools.add(e.pool);
            }
            entries.clear();
        }
        for (PgPool pool : pools) {
            pool.close();
        }
    }

    /** @return how many distinct pools are open (for tests and diagnostics) */
    synchronized int size() {
        return entries.size();
    }

    private static final class Entry {
        final PgPool pool;
        int references;

        Entry(PgPool pool) {
            this.pool = pool;
        }
    }

    /**
     * One factory's hold on a shared pool. {@link #run()} releases it once; it is registered with a
     * {@link java.lang.ref.Cleaner} so that a factory the server dropped gives its reference back, and it must
     * therefore never refer to the factory.
     */
    static final class Reference implements Runnable {
        private final PoolRegistry registry;
        private final PoolSettings settings;
        private final PgPool pool;
        private final AtomicBoolean released = new AtomicBoolean();

        Reference(PoolRegistry registry, PoolSettings settings, PgPool pool) {
            this.registry = registry;
            this.settings = settings;
            this.pool = pool;
        }

        PgPool pool() {
            return pool;
        }

        @Override
        public void run() {
            if (released.compareAndSet(false, true)) {
                registry.release(settings, pool);
            }
        }
    }
}
