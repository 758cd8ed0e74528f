package io.github.pgpool.jca;

import io.github.pgpool.api.Credentials;
import io.github.pgpool.api.PoolSettings;

/**
 * A factory's validated settings and the default credentials made from them, published together; and the one place
 * that maps a request's credentials onto the default credentials object when they are equal, so that such borrowers
 * take the pool's fast path (no partition lookup). Immutable, thread-safe.
 */
final class ValidatedSettings {
    final PoolSettings settings;
    final Credentials defaults;

    ValidatedSettings(PoolSettings settings) {
        this.settings = settings;
        this.defaults = settings.defaultCredentials();
    }

    /** @return the default credentials object if equal, so that borrowers take the pool's fast path */
    Credentials canonical(Credentials c) {
        return c.equals(defaults) ? defaults : c;
    }

    /**
     * @return the default credentials object if {@code user} and {@code password} (null read as empty) equal
     *     them, else new credentials. Compares the password's characters in place: the usual answer, the
     *     defaults, then costs no allocation on the allocation path.
     */
    Credentials canonical(String user, char[] password) {
        String u = user == null ? "" : user;
        if (u.equals(defaults.user()) && sameCharacters(password, defaults.password())) {
            return defaults;
        }
        return Credentials.of(u, password == null ? "" : new String(password));
    }

    private static boolean sameCharacters(char[] chars, String text) {
        if (chars == null) {
            return text.isEmpty();
        }
        if (chars.length != text.length()) {
            return false;
        }
        for (int i = 0; i < chars.length; i++) {
            if (chars[i] != text.charAt(i)) {
                return false;
            }
        }
        return true;
    }
}
