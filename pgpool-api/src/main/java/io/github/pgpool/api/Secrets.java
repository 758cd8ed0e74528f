package io.github.pgpool.api;

import java.util.Locale;

/**
 * The one rule for what counts as a secret and how it is shown: the {@code Password} setting, and every connection
 * property (in {@code DriverProperties} or in the query part of {@code Url}) whose name contains {@code password},
 * {@code secret} or {@code token}, ignoring case (pgjdbc's {@code password}, {@code sslpassword}). Every place that
 * shows a setting value ({@link PoolSetting#shown(String)}, {@link PoolSettings#text(PoolSetting)}, exception
 * messages, the adapter's {@code toString()}) goes through this class. Stateless.
 */
public final class Secrets {
    /** What is shown instead of a secret. */
    public static final String MASK = "*****";

    /**
     * Shown instead of everything that follows a secret in a list of properties: a malformed list may hold part of
     * the secret in what looks like the next pair (a {@code ;} or {@code &} inside the value, not escaped).
     */
    public static final String REST_NOT_SHOWN = "(rest not shown)";

    private Secrets() {
    }

    /**
     * @param propertyName a connection property's name, for example {@code sslpassword}
     * @return whether its value is a secret that is never shown
     */
    public static boolean isSecretProperty(String propertyName) {
        String key = propertyName.toLowerCase(Locale.ROOT);
        return key.contains("password") || key.contains("secret") || key.contains("token");
    }

    /** @return {@link #MASK}, or empty for an empty secret (so that "no password" stays visible as such) */
    static String mask(String secret) {
        return secret == null || secret.isEmpty() ? "" : MASK;
    }
}
