package io.github.pgpool.core;

import io.github.pgpool.api.Credentials;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLInvalidAuthorizationSpecException;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Logs the connections of the pool's default credentials in with what a supplier gives at that moment (a rotated
 * password, an IAM-style token that expires), asking it once for each new physical connection; connections for other
 * credentials ({@code getConnection(user, password)}) are opened as asked. The default credentials stay the key of
 * the partition such connections live in, so every borrower of {@link PgPool#borrow()} shares them whatever the
 * supplier returned when each was opened: PostgreSQL keeps a session logged in after its password changed.
 *
 * <p>Stateless apart from its parts, so thread-safe if the supplier is.
 */
final class SuppliedCredentials implements ConnectionFactory {
    private final ConnectionFactory delegate;
    private final Credentials defaults;
    private final Supplier<Credentials> supplier;

    SuppliedCredentials(ConnectionFactory delegate, Credentials defaults, Supplier<Credentials> supplier) {
        this.delegate = Objects.requireNonNull(delegate);
        this.defaults = Objects.requireNonNull(defaults);
        this.supplier = Objects.requireNonNull(supplier);
    }

    @Override
    public Connection open(Credentials credentials) throws SQLException {
        return delegate.open(login(credentials));
    }

    @Override
    public Connection open(Credentials credentials, Duration timeout) throws SQLException {
        return delegate.open(login(credentials), timeout);
    }

    /**
     * @return what to log in with: the supplier's answer for the default credentials, else the borrower's own
     * @throws SQLException (28000, so the pool does not retry) if the supplier returned null: a programming error that
     *     waiting cannot fix. An exception the supplier throws passes through; the pool retries it within MaxWait, as
     *     a token service may fail for a moment.
     */
    private Credentials login(Credentials credentials) throws SQLException {
        if (!credentials.equals(defaults)) {
            return credentials;
        }
        Credentials supplied = supplier.get();
        if (supplied == null) {
            throw new SQLInvalidAuthorizationSpecException(
                    "pgpool: the credentials supplier given to PgPoolBuilder.credentials returned null", "28000");
        }
        return supplied;
    }

    @Override
    public String toString() {
        return "SuppliedCredentials{" + delegate + "}"; // never the credentials
    }
}
