package io.github.pgpool.jca;

import jakarta.resource.ResourceException;
import jakarta.resource.spi.ConnectionEvent;
import jakarta.resource.spi.ConnectionEventListener;
import jakarta.resource.spi.ConnectionManager;
import jakarta.resource.spi.ConnectionRequestInfo;
import jakarta.resource.spi.ManagedConnection;
import jakarta.resource.spi.ManagedConnectionFactory;
import java.lang.System.Logger.Level;

/**
 * The connection manager of non-managed use (no application server): one managed connection per handle, destroyed
 * when the handle closes. Cheap, because pooling is pgpool's job and a managed connection is only a lease holder.
 */
final class StandaloneConnectionManager implements ConnectionManager {
    private static final long serialVersionUID = 1L;
    private static final System.Logger LOG = System.getLogger(StandaloneConnectionManager.class.getName());

    @Override
    public Object allocateConnection(ManagedConnectionFactory factory, ConnectionRequestInfo info)
            throws ResourceException {
        ManagedConnection mc = factory.createManagedConnection(null, info);
        mc.addConnectionEventListener(DestroyOnClose.INSTANCE);
        return mc.getConnection(null, info);
    }

    /** Destroys a managed connection when its handle is closed or fails. */
    private enum DestroyOnClose implements ConnectionEventListener {
        INSTANCE;

        @Override
        public void connectionClosed(ConnectionEvent event) {
            destroy(event);
        }

        @Override
        public void connectionErrorOccurred(ConnectionEvent event) {
            destroy(event);
        }

        @Override
        public void localTransactionStarted(ConnectionEvent event) {
            // Application-demarcated: nothing to manage here.
        }

        @Override
        public void localTransactionCommitted(ConnectionEvent event) {
            // Application-demarcated: nothing to manage here.
        }

        @Override
        public void localTransactionRolledback(ConnectionEvent event) {
            // Application-demarcated: nothing to manage here.
        }

        private static void destroy(ConnectionEvent event) {
            try {
                ((ManagedConnection) event.getSource()).destroy();
            } catch (ResourceException e) {
                LOG.log(Level.WARNING, "pgpool: destroying a managed connection failed: {0}", e.getMessage());
            }
        }
    }
}
