package io.github.pgpool.jca;

import jakarta.resource.ResourceException;
import jakarta.resource.spi.ConnectionEvent;
import jakarta.resource.spi.ConnectionEventListener;
import jakarta.resource.spi.ConnectionManager;
import jakarta.resource.spi.ConnectionRequestInfo;
import jakarta.resource.spi.ManagedConnection;
import jakarta.resource.spi.ManagedConnectionFactory;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import javax.security.auth.Subject;

/**
 * A small stand-in for an application server's connection manager: it keeps closed managed connections for reuse
 * (after {@code cleanup()}), matches them with {@code matchManagedConnections}, destroys one whose handle reported
 * an error, and records every event it receives.
 */
final class FakeConnectionManager implements ConnectionManager, ConnectionEventListener {
    private static final long serialVersionUID = 1L;

    final transient List<ManagedConnection> idle = new ArrayList<>();
    final transient List<ManagedConnection> created = new ArrayList<>();
    final transient List<ConnectionEvent> events = new ArrayList<>();
    /** Container-managed sign-on: passed to the factory if set. */
    transient Subject subject;
    /** Like Payara with pooling=false: a new managed connection per request, destroyed after close. */
    transient boolean pooling = true;

    @Override
    public synchronized Object allocateConnection(ManagedConnectionFactory factory, ConnectionRequestInfo info)
            throws ResourceException {
        ManagedConnection mc = idle.isEmpty() || !pooling ? null
                : factory.matchManagedConnections(new HashSet<>(idle), subject, info);
        if (mc == null) {
            mc = factory.createManagedConnection(subject, info);
            mc.addConnectionEventListener(this);
            created.add(mc);
        } else {
            idle.remove(mc);
        }
        return mc.getConnection(subject, info);
    }

    @Override
    public synchronized void connectionClosed(ConnectionEvent event) {
        events.add(event);
        ManagedConnection mc = (ManagedConnection) event.getSource();
        try {
            mc.cleanup();
            if (!pooling) {
                mc.destroy();
                created.remove(mc);
                return;
            }
        } catch (ResourceException e) {
            throw new IllegalStateException(e);
        }
        idle.add(mc);
    }

    @Override
    public synchronized void connectionErrorOccurred(ConnectionEvent event) {
        events.add(event);
        ManagedConnection mc = (ManagedConnection) event.getSource();
        idle.remove(mc);
        try {
            mc.destroy();
        } catch (ResourceException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public synchronized void localTransactionStarted(ConnectionEvent event) {
        events.add(event);
    }

    @Override
    public synchronized void localTransactionCommitted(ConnectionEvent event) {
        events.add(event);
    }

    @Override
    public synchronized void localTransactionRolledback(ConnectionEvent event) {
        events.add(event);
    }

    synchronized List<Integer> eventIds() {
        List<Integer> ids = new ArrayList<>();
        for (ConnectionEvent e : events) {
            ids.add(e.getId());
        }
        return ids;
    }
}
