package io.github.pgpool.jca;

import jakarta.resource.spi.BootstrapContext;
import jakarta.resource.spi.XATerminator;
import jakarta.resource.spi.work.WorkContext;
import jakarta.resource.spi.work.WorkManager;
import jakarta.transaction.Status;
import jakarta.transaction.Synchronization;
import jakarta.transaction.TransactionSynchronizationRegistry;
import java.util.Timer;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A transaction synchronization registry whose answer to "what is the status of this thread's transaction" the test
 * sets, plus the bootstrap context that hands it to the resource adapter, as a server's would. It can also hold the
 * next status query until the test releases it, to make a handle's check race a transaction manager on another
 * thread deterministically.
 *
 * <p>Thread-safe: the status is volatile; the hold is a pair of latches.
 */
final class FakeTransactionRegistry implements TransactionSynchronizationRegistry {
    private volatile int status = Status.STATUS_NO_TRANSACTION;
    private volatile CountDownLatch entered;
    private volatile CountDownLatch release;

    /** @return a bootstrap context offering this registry, for {@code PgPoolResourceAdapter.start} */
    BootstrapContext bootstrapContext() {
        FakeTransactionRegistry registry = this;
        return new BootstrapContext() {
            @Override
            public WorkManager getWorkManager() {
                return null;
            }

            @Override
            public XATerminator getXATerminator() {
                return null;
            }

            @Override
            public Timer createTimer() {
                throw new UnsupportedOperationException();
            }

            @Override
            public boolean isContextSupported(Class<? extends WorkContext> workContextClass) {
                return false;
            }

            @Override
            public TransactionSynchronizationRegistry getTransactionSynchronizationRegistry() {
                return registry;
            }
        };
    }

    /** Sets what every thread's transaction status is from now on (a jakarta.transaction.Status constant). */
    void status(int value) {
        status = value;
    }

    /** The next status query blocks until {@link #releaseHeld()}; {@link #awaitHeld()} returns once it blocks. */
    void holdNextQuery() {
        entered = new CountDownLatch(1);
        release = new CountDownLatch(1);
    }

    void awaitHeld() throws InterruptedException {
        if (!entered.await(10, TimeUnit.SECONDS)) {
            throw new AssertionError("no status query arrived within 10 s");
        }
    }

    void releaseHeld() {
        release.countDown();
    }

    @Override
    public int getTransactionStatus() {
        CountDownLatch e = entered;
        CountDownLatch r = release;
        if (e != null && e.getCount() > 0) {
            e.countDown();
            try {
                if (!r.await(10, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("the held status query was not released within 10 s");
                }
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
            }
        }
        return status;
    }

    @Override
    public Object getTransactionKey() {
        return status == Status.STATUS_NO_TRANSACTION ? null : this;
    }

    @Override
    public void putResource(Object key, Object value) {
        throw new UnsupportedOperationException();
    }

    @Override
    public Object getResource(Object key) {
        throw new UnsupportedOperationException();
    }

    @Override
    public void registerInterposedSynchronization(Synchronization sync) {
        throw new UnsupportedOperationException();
    }

    @Override
    public void setRollbackOnly() {
        status = Status.STATUS_MARKED_ROLLBACK;
    }

    @Override
    public boolean getRollbackOnly() {
        return status == Status.STATUS_MARKED_ROLLBACK;
    }
}
