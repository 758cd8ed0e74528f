package io.github.pgpool.jca;

import io.github.pgpool.api.InvalidSettingException;
import io.github.pgpool.api.PoolSetting;
import io.github.pgpool.api.PoolSettings;
import io.github.pgpool.core.PgPool;
import jakarta.resource.ResourceException;
import jakarta.resource.spi.InvalidPropertyException;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.StringJoiner;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The pools of one resource adapter instance, one per pool identity: the effective {@code PoolName} (by default
 * {@code user@host:port/database}). A server may create several managed connection factories for one of its pools;
 * they must share one {@link PgPool}, or MaxSize would no longer be a hard limit:
 * <ul>
 *   <li>with equal settings (Payara does this when it re-reads a pool's configuration) they share the pool as it is;
 *   <li>with other settings under the same identity, the administrator changed the pool while it runs (Payara
 *       re-creates the factory on {@code asadmin set ...property.X=...}; a factory's setter called after its pool
 *       started): the newest settings win. The running pool is {@linkplain PgPool#replaceWith replaced} by a
 *       successor with the new settings that counts the old pool's still-open connections against its MaxSize until
 *       they are closed (idle ones at once, those in use when they come back), so the database never sees more than
 *       the larger of the two MaxSizes, and no request fails: every factory of the identity, old or new, borrows from
 *       the newest pool from then on.
 * </ul>
 * Two server pools that must stay apart while they reach the same user and database therefore need different
 * PoolNames. Each factory holds a counted {@link Reference}; the pool closes when the last reference goes, and every
 * pool closes when the adapter stops.
 *
 * <p>Lock-guarded: this object's monitor guards the entries; a {@link PgPool} is read without it (volatile).
 */
final class PoolRegistry {
    private static final System.Logger LOG = System.getLogger(PoolRegistry.class.getName());
    /** Pools of factories used without a resource adapter (non-managed use, or a deserialised factory). */
    static final PoolRegistry STANDALONE = new PoolRegistry();

    private final Map<String, Entry> entries = new HashMap<>();
    private boolean closed;

    /**
     * @return a reference to the pool of these settings' identity: the running one if its settings are equal, a
     *     successor of it if they differ, or a new pool if there is none
     * @throws ResourceException if the registry is closed (the adapter stopped) or the pool cannot start
     */
    Reference acquire(PoolSettings settings) throws ResourceException {
        synchronized (this) {
            if (closed) {
                throw new jakarta.resource.spi.IllegalStateException("pgpool: the resource adapter is stopped");
            }
            String identity = settings.poolName();
            Entry entry = entries.get(identity);
            try {
                if (entry == null || entry.pool.isClosed()) {
                    entry = new Entry(PgPool.start(settings), settings);
                    entries.put(identity, entry);
                } else if (!entry.settings.equals(settings)) {
                    LOG.log(Level.INFO, "pgpool {0}: settings changed ({1}); a pool with the new settings takes over "
                            + "and the connections of the old one are closed as they come free (two server pools "
                            + "meant to stay apart need PoolNames of their own)", identity,
                            changed(entry.settings, settings));
                    entry.succeed(succeed(entry.pool, settings), settings);
                }
            } catch (InvalidSettingException e) {
                throw new InvalidPropertyException(e.getMessage()); // settings were validated: not expected
            }
            entry.references++;
            return new Reference(this, identity, entry);
        }
    }

    /** @return the successor of {@code running}, or a new pool if it was closed meanwhile (not by this registry) */
    private static PgPool succeed(PgPool running, PoolSettings settings) {
        try {
            return running.replaceWith(settings);
        } catch (io.github.pgpool.api.PoolClosedException e) {
            return PgPool.start(settings);
        }
    }

    /**
     * @return the names of the settings that differ, never their values. Compared as shown (masked), so a changed
     *     password, or a secret driver property, is named only as such.
     */
    static String changed(PoolSettings before, PoolSettings after) {
        StringJoiner names = new StringJoiner(", ");
        for (PoolSetting s : PoolSetting.values()) {
            if (!Objects.equals(before.text(s), after.text(s))) {
                names.add(s.displayName());
            }
        }
        if (names.length() == 0 || !before.password().equals(after.password())) {
            names.add(PoolSetting.PASSWORD.displayName() + " or another secret");
        }
        return names.toString();
    }

    private void release(String identity, Entry released) {
        PgPool pool;
        synchronized (this) {
            Entry entry = entries.get(identity);
            if (entry != released || --entry.references > 0) {
                return;
            }
            entries.remove(identity);
            pool = entry.pool;
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

    /** One identity's pool: the newest, which every reference reads. */
    private static final class Entry {
        /** Written under the registry's monitor, read by borrowers without it. */
        volatile PgPool pool;
        PoolSettings settings;
        int references;

        Entry(PgPool pool, PoolSettings settings) {
            this.pool = pool;
            this.settings = settings;
        }

        void succeed(PgPool successor, PoolSettings newSettings) {
            this.settings = newSettings;
            this.pool = successor;
        }
    }

    /**
     * One factory's hold on its identity's pool, which follows the pool's successors. {@link #run()} releases it
     * once; it is registered with a {@link java.lang.ref.Cleaner} so that a factory the server dropped gives its
     * reference back, and it must therefore never refer to the factory.
     */
    static final class Reference implements Runnable {
        private final PoolRegistry registry;
        private final String identity;
        private final Entry entry;
        private final AtomicBoolean released = new AtomicBoolean();

        Reference(PoolRegistry registry, String identity, Entry entry) {
            this.registry = registry;
            this.identity = identity;
            this.entry = entry;
        }

        /** @return the identity's newest pool */
        PgPool pool() {
            return entry.pool;
        }

        /**
         * @return whether {@code mine}, the settings of the factory holding this reference, are no longer the
         *     newest of its identity: another factory's settings replaced them
         */
        boolean supersededFor(PoolSettings mine) {
            synchronized (registry) {
                return !entry.settings.equals(mine);
            }
        }

        @Override
        public void run() {
            if (released.compareAndSet(false, true)) {
                registry.release(identity, entry);
            }
        }
    }
}
