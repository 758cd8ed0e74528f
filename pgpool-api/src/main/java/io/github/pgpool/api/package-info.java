/**
 * What applications and administrators see of pgpool: the {@link io.github.pgpool.api.PoolSetting settings} and
 * their validated, immutable {@link io.github.pgpool.api.PoolSettings} value, the exceptions a borrower can get,
 * the {@link io.github.pgpool.api.PoolStatistics statistics snapshot} and the {@link io.github.pgpool.api.PoolListener
 * event listener}. This package has no dependencies beyond the JDK.
 */
package io.github.pgpool.api;
