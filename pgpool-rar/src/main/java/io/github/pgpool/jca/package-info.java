/**
 * pgpool as a Jakarta Connectors 2.1 resource adapter. The application server delegates pooling to pgpool: a
 * {@link io.github.pgpool.jca.PgPoolManagedConnection} holds no PostgreSQL connection of its own; it leases one from
 * its factory's {@link io.github.pgpool.core.PgPool} when first needed (a JDBC call, XA start, local begin) and gives
 * it back once no transaction is pending. So the server's own pool, if any, holds cheap objects, while pgpool's rules
 * (MaxSize, MaxWait, Expires, Cleanup) govern the real connections.
 */
package io.github.pgpool.jca;
