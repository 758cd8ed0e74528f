package io.github.pgpool.jca;

import jakarta.resource.spi.ConnectionEvent;
import jakarta.resource.spi.ConnectionEventListener;
import jakarta.resource.spi.ManagedConnection;
import java.lang.System.Logger.Level;
import java.util.Arrays;

/**
 * The connection event listeners the server registered on one managed connection, and the sending of events to them.
 * Copy-on-write: the server adds and removes listeners rarely, events are sent on every handle close, so sending reads
 * one volatile array and takes no lock. Adding and removing are guarded by this object's monitor.
 */
final class ConnectionListeners {
    private static final System.Logger LOG = System.getLogger(ConnectionListeners.class.getName());
    private static final ConnectionEventListener[] NONE = {};

    private volatile ConnectionEventListener[] listeners = NONE;

    synchronized void add(ConnectionEventListener listener) {
        if (listener == null) {
            throw new IllegalArgumentException("listener must not be null");
        }
        ConnectionEventListener[] old = listeners;
        ConnectionEventListener[] grown = Arrays.copyOf(old, old.length + 1);
        grown[old.length] = listener;
        listeners = grown;
    }

    synchronized void remove(ConnectionEventListener listener) {
        ConnectionEventListener[] old = listeners;
        for (int i = 0; i < old.length; i++) {
            if (old[i] == listener) {
                ConnectionEventListener[] shrunk = new ConnectionEventListener[old.length - 1];
                System.arraycopy(old, 0, shrunk, 0, i);
                System.arraycopy(old, i + 1, shrunk, i, old.length - i - 1);
                listeners = shrunk;
                return;
            }
        }
    }

    /** Sends an event to every listener registered now; one listener's failure does not keep it from the others. */
    void fire(ManagedConnection source, int id, PgPoolConnection handle, Exception error) {
        ConnectionEventListener[] snapshot = listeners;
        if (snapshot.length == 0) {
            return;
        }
        ConnectionEvent event = error == null ? new ConnectionEvent(source, id)
                : new ConnectionEvent(source, id, error);
        event.setConnectionHandle(handle);
        for (ConnectionEventListener listener : snapshot) {
            try {
                switch (id) {
                    case ConnectionEvent.CONNECTION_CLOSED:
                        listener.connectionClosed(event);
                        break;
                    case ConnectionEvent.CONNECTION_ERROR_OCCURRED:
                        listener.connectionErrorOccurred(event);
                        break;
                    case ConnectionEvent.LOCAL_TRANSACTION_STARTED:
                        listener.localTransactionStarted(event);
                        break;
                    case ConnectionEvent.LOCAL_TRANSACTION_COMMITTED:
                        listener.localTransactionCommitted(event);
                        break;
                    case ConnectionEvent.LOCAL_TRANSACTION_ROLLEDBACK:
                        listener.localTransactionRolledback(event);
                        break;
                    default:
                        throw new AssertionError(id);
                }
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "pgpool: a connection event listener failed: " + e, e);
            }
        }
    }
}
