package io.github.pgpool.jca;

import io.github.pgpool.core.PooledConnection;
import jakarta.resource.spi.ManagedConnectionMetaData;
import java.sql.SQLException;

/**
 * What a server may ask about a managed connection. The PostgreSQL version is known only while a connection is
 * leased: asking must not open one.
 */
final class PgPoolManagedConnectionMetaData implements ManagedConnectionMetaData {
    private final String user;
    private final PooledConnection lease;

    PgPoolManagedConnectionMetaData(String user, PooledConnection lease) {
        this.user = user;
        this.lease = lease;
    }

    @Override
    public String getEISProductName() {
        return "PostgreSQL";
    }

    @Override
    public String getEISProductVersion() {
        if (lease != null) {
            try {
                return lease.connection().getMetaData().getDatabaseProductVersion();
            } catch (SQLException e) {
                return "unknown";
            }
        }
        return "unknown (no connection leased)";
    }

    /** @return 0: the limit is pgpool's MaxSize, and a managed connection holds a connection only while in use */
    @Override
    public int getMaxConnections() {
        return 0;
    }

    @Override
    public String getUserName() {
        return user;
    }
}
