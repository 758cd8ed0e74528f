package io.github.pgpool.api;

import java.util.HashSet;
import java.util.Set;

/**
 * Which property names of a list (DriverProperties, or the query of Url) a message may show: those up to and
 * including the first secret property. After a secret, what looks like another property may be the secret's own tail
 * (a separator inside the value that was not escaped), so those are named by their position only. Filled while a
 * list is parsed, then read; not thread-safe while filled, immutable in use.
 */
final class NameableKeys {
    static final NameableKeys NONE = new NameableKeys();

    private final Set<String> nameable = new HashSet<>();
    private String firstSecret;

    /** Notes the next key of the list, in order. */
    void add(String key) {
        if (firstSecret == null) {
            nameable.add(key);
            if (Secrets.isSecretProperty(key)) {
                firstSecret = key;
            }
        }
    }

    /** @return the first secret key, or {@code null} if none has been seen */
    String firstSecret() {
        return firstSecret;
    }

    /** @return whether a message may show {@code key} */
    boolean mayName(String key) {
        return nameable.contains(key);
    }

    /** @return {@code 'key'}, or words that place it after the secret without showing it */
    String label(String key) {
        return mayName(key) ? "'" + key + "'" : "a property after the secret '" + firstSecret + "' (name not shown)";
    }

    /**
     * @param what what the list calls one element, such as {@code pair}
     * @param position its 1-based position
     * @return {@code null} before any secret; after one, how to name the element without showing it
     */
    String hidden(String what, int position) {
        return firstSecret == null ? null : what + " " + position + " (after the secret '" + firstSecret
                + "', not shown)";
    }
}
