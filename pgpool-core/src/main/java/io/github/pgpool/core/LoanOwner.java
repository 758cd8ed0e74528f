package io.github.pgpool.core;

/**
 * What a {@link PooledConnection} needs of the pool that lent it: a way to be given back, a way to report a fatal
 * error, and the pool's clock and name. It keeps the connection ignorant of the pool's internals.
 */
interface LoanOwner {
    /** Takes back a connection whose borrower called {@link PooledConnection#release()}. */
    void giveBack(PooledConnection pc);

    /** A fatal error was seen on a connection: idle connections are checked before they are lent again. */
    void fatalErrorSeen();

    /** A statement on {@code pc} failed because the server is read-only (SQLState 25006). */
    void readOnlySeen(PooledConnection pc);

    /** @return the pool's clock, for ages */
    PoolClock clock();

    /** @return the pool's name, for messages */
    String poolName();
}
