package io.github.pgpool.core;

import io.github.pgpool.api.Credentials;
import java.util.ArrayDeque;

/**
 * The idle list of one set of credentials, most recently used first. Taking from the front and putting back at the
 * front means the pool keeps reusing the same few connections and surplus ones age out at the back, where
 * housekeeping finds them. A connection lent without the lock stays in the list while in use (its state says so,
 * and the locked way skips it), so that it can come back without the lock too. Guarded by the pool's lock.
 */
final class Partition {
    final Credentials credentials;
    final ArrayDeque<PooledConnection> idle = new ArrayDeque<>();

    Partition(Credentials credentials) {
        this.credentials = credentials;
    }
}
