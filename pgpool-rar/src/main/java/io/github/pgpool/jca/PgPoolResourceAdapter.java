package io.github.pgpool.jca;

import jakarta.resource.NotSupportedException;
import jakarta.resource.spi.ActivationSpec;
import jakarta.resource.spi.BootstrapContext;
import jakarta.resource.spi.ResourceAdapter;
import jakarta.resource.spi.endpoint.MessageEndpointFactory;
import jakarta.transaction.TransactionSynchronizationRegistry;
import java.lang.System.Logger.Level;
import javax.transaction.xa.XAResource;

/**
 * The pgpool resource adapter: outbound only. It owns the pools of its managed connection factories (shared by
 * configuration, see {@link PoolRegistry}) and closes every one of them when the server stops it, for example on
 * undeployment. It also keeps the server's {@link TransactionSynchronizationRegistry}, through which a handle learns
 * whether the transaction of its thread can still proceed (see {@link BranchGuard}).
 */
public class PgPoolResourceAdapter implements ResourceAdapter {
    private static final System.Logger LOG = System.getLogger(PgPoolResourceAdapter.class.getName());

    private final PoolRegistry registry = new PoolRegistry();
    /** The server's registry, or null (no server, or one that offers none). Set once in start. */
    private volatile TransactionSynchronizationRegistry transactions;

    /** Creates the adapter; the server calls {@link #start} before any factory is used. */
    public PgPoolResourceAdapter() {
        // A JavaBean: the server instantiates it.
    }

    @Override
    public void start(BootstrapContext context) {
        // Before any request: a server may close this class loader while requests still run (see the class).
        ErrorPathClasses.preload();
        TransactionSynchronizationRegistry registry = null;
        if (context != null) {
            try {
                registry = context.getTransactionSynchronizationRegistry();
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "pgpool: the server offers no TransactionSynchronizationRegistry ({0}); a "
                        + "connection kept open past a rolled back transaction is refused until it is closed", e);
            }
        }
        transactions = registry;
        LOG.log(Level.DEBUG, "pgpool resource adapter started; transaction registry: {0}", registry);
    }

    /** @return the server's transaction synchronization registry, or null if there is none */
    TransactionSynchronizationRegistry transactions() {
        return transactions;
    }

    /** Closes every pool this adapter's factories created; connections in use are closed when they come back. */
    @Override
    public void stop() {
        int pools = registry.size();
        registry.close();
        LOG.log(Level.INFO, "pgpool resource adapter stopped; closed {0} pool(s)", pools);
    }

    PoolRegistry registry() {
        return registry;
    }

    /** pgpool has no inbound side. */
    @Override
    public void endpointActivation(MessageEndpointFactory factory, ActivationSpec spec) throws NotSupportedException {
        throw new NotSupportedException("pgpool is an outbound-only resource adapter");
    }

    @Override
    public void endpointDeactivation(MessageEndpointFactory factory, ActivationSpec spec) {
        // Nothing was activated.
    }

    /** No inbound XA resources: the server recovers outbound branches through the factories' managed connections. */
    @Override
    public XAResource[] getXAResources(ActivationSpec[] specs) {
        return null;
    }

    /**
     * Identity: the adapter has no configuration properties, so each instance is its own (declared explicitly
     * because WildFly's archive validation expects a resource adapter to define equals and hashCode).
     */
    @Override
    public boolean equals(Object o) {
        return this == o;
    }

    @Override
    public int hashCode() {
        return System.identityHashCode(this);
    }

    @Override
    public String toString() {
        return "PgPoolResourceAdapter{pools=" + registry.size() + "}";
    }
}
