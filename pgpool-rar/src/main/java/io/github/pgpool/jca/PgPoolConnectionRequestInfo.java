package io.github.pgpool.jca;

import io.github.pgpool.api.Credentials;
import jakarta.resource.spi.ConnectionRequestInfo;
import java.util.Objects;

/**
 * The credentials an application passed to {@code DataSource.getConnection(user, password)}. The server uses
 * {@link #equals} to match managed connections, so a connection opened for one user never serves another.
 */
final class PgPoolConnectionRequestInfo implements ConnectionRequestInfo {
    private final Credentials credentials;

    PgPoolConnectionRequestInfo(Credentials credentials) {
        this.credentials = Objects.requireNonNull(credentials);
    }

    Credentials credentials() {
        return credentials;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PgPoolConnectionRequestInfo
                && credentials.equals(((PgPoolConnectionRequestInfo) o).credentials);
    }

    @Override
    public int hashCode() {
        return credentials.hashCode();
    }

    /** @return the user only; the password is masked by {@link Credentials#toString()} */
    @Override
    public String toString() {
        return "PgPoolConnectionRequestInfo{" + credentials + "}";
    }
}
