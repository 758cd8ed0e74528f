package io.github.pgpool.api;

import java.util.Objects;

/**
 * A database user name and password. The pool keeps one partition of connections per distinct credentials, so a
 * connection opened for one user is never handed to a borrower with other credentials. {@link #toString()} shows the
 * user only.
 */
public final class Credentials {
    private final String user;
    private final String password;

    private Credentials(String user, String password) {
        this.user = user;
        this.password = password;
    }

    /**
     * @param user the user name; {@code null} is read as empty (the driver's default)
     * @param password the password; {@code null} is read as empty
     * @return the credentials
     */
    public static Credentials of(String user, String password) {
        return new Credentials(user == null ? "" : user, password == null ? "" : password);
    }

    /** @return the user name, possibly empty */
    public String user() {
        return user;
    }

    /** @return the password, possibly empty. Only for opening connections: never log or show it. */
    public String password() {
        return password;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof Credentials)) {
            return false;
        }
        Credentials other = (Credentials) o;
        return user.equals(other.user) && password.equals(other.password);
    }

    @Override
    public int hashCode() {
        return Objects.hash(user, password);
    }

    @Override
    public String toString() {
        return "Credentials{user=" + user + ", password=" + (password.isEmpty() ? "" : "*****") + "}";
    }
}
