package io.github.pgpool.jca;

import io.github.pgpool.api.Credentials;
import io.github.pgpool.core.PooledConnection;
import java.util.ArrayList;

/**
 * The application's open handles on one managed connection, and what happens to all of them at once when the server
 * takes the managed connection away: they are invalidated, or they go on with an {@link OrphanedLease}.
 *
 * <p>Guarded by the managed connection's monitor: every method is called with it held.
 */
final class OpenHandles {
    private final ArrayList<PgPoolConnection> handles = new ArrayList<>(2);

    void add(PgPoolConnection handle) {
        handles.add(handle);
    }

    void remove(PgPoolConnection handle) {
        handles.remove(handle);
    }

    boolean isEmpty() {
        return handles.isEmpty();
    }

    /** @return whether every handle was got by another thread than the current one (none: false) */
    boolean allOpenedElsewhere() {
        if (handles.isEmpty()) {
            return false;
        }
        for (PgPoolConnection h : handles) {
            if (!h.openedElsewhere()) {
                return false;
            }
        }
        return true;
    }

    /** The server reclaimed the managed connection: every handle is dead from now on. */
    void invalidateAll() {
        for (PgPoolConnection h : handles) {
            h.invalidateByContainer();
        }
        handles.clear();
    }

    /**
     * The server took the managed connection away from requests still running: the handles go on with {@code lease}
     * (or one borrowed on their first call if it is {@code null}) and no longer belong to it.
     */
    void orphanAll(PgPoolManagedConnectionFactory factory, Credentials credentials, PooledConnection lease) {
        OrphanedLease.adopt(factory, credentials, lease, handles);
        handles.clear();
    }
}
