/**
 * The pgpool engine: {@link io.github.pgpool.core.PgPool} pools physical PostgreSQL connections under the rules
 * MaxSize, MaxWait, Expires and Cleanup. It is plain Java SE plus pgjdbc, so it serves the resource adapter and Java SE
 * applications alike (through {@link io.github.pgpool.core.PgPoolDataSource}). Time and scheduling are injected
 * ({@link io.github.pgpool.core.PoolClock}, {@link io.github.pgpool.core.Scheduler}) so that tests are deterministic.
 */
package io.github.pgpool.core;
