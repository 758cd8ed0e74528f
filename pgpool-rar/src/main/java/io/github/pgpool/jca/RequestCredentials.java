package io.github.pgpool.jca;

import io.github.pgpool.api.Credentials;
import jakarta.resource.spi.ConnectionRequestInfo;
import jakarta.resource.spi.ManagedConnectionFactory;
import jakarta.resource.spi.security.PasswordCredential;
import javax.security.auth.Subject;

/**
 * The credentials a connection request asks for: container-managed sign-on (a {@link PasswordCredential} for the
 * factory in the Subject) first, then application-supplied ones ({@code getConnection(user, password)}), else the
 * factory's configured User and Password. Stateless.
 */
final class RequestCredentials {
    private RequestCredentials() {
    }

    static Credentials of(ManagedConnectionFactory factory, ValidatedSettings v, Subject subject,
            ConnectionRequestInfo info) {
        if (subject != null) {
            PasswordCredential pc = passwordCredential(factory, subject);
            if (pc != null) {
                return v.canonical(pc.getUserName(), pc.getPassword());
            }
        }
        if (info instanceof PgPoolConnectionRequestInfo) {
            return v.canonical(((PgPoolConnectionRequestInfo) info).credentials());
        }
        return v.defaults;
    }

    /**
     * Finds the container's {@link PasswordCredential} for {@code factory} in {@code subject}.
     *
     * <p>This runs on every allocation (servers pass their Subject to {@code ManagedConnection.getConnection} each
     * time; Payara the same Subject object for a pool's default user), so it walks the private credential set itself
     * instead of calling {@code Subject.getPrivateCredentials(Class)}, which looks up a message in a resource bundle
     * and copies the matching credentials into a new set on every call (measured: about 7% of the CPU of a
     * select-by-id request inside Payara, see pgpool-bench/PROFILING.md section 7).
     *
     * @return the credential, or null if the Subject holds none for the factory
     */
    private static PasswordCredential passwordCredential(ManagedConnectionFactory factory, Subject subject) {
        for (Object credential : subject.getPrivateCredentials()) {
            if (credential instanceof PasswordCredential) {
                PasswordCredential pc = (PasswordCredential) credential;
                ManagedConnectionFactory owner = pc.getManagedConnectionFactory();
                if (owner == null || owner == factory || owner.equals(factory)) {
                    return pc;
                }
            }
        }
        return null;
    }
}
