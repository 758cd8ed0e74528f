package io.github.pgpool.core;

import io.github.pgpool.api.Credentials;
import java.util.ArrayDeque;

/**
 * The idle connections of one set of credentials, most recently used first. Taking from the front and putting back
 * at the front means the pool keeps reusing the same few connections and surplus ones age out at the back, where
 * housekeeping finds them. Guarded by the pool's lock.
 */
final class Partition {
    final Credentials credentials;
    final ArrayDeque<PooledConnection> idle = new ArrayDeque<>();

    Partition(Credentials credentials) {
        this.credentials = credentials;
    }
}
