package io.github.pgpool.core;

/**
 * Receives the slots a retired pool frees: the successor that counted them against its MaxSize while the retired
 * pool's connections were still open ({@link PgPool#replaceWith}). Called outside every pool lock.
 */
@FunctionalInterface
interface SlotSink {
    /** {@code n} connections of the retired pool are closed; their slots are free for the successor. */
    void slotsFreed(int n);
}
