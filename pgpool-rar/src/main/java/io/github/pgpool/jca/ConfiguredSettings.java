package io.github.pgpool.jca;

import io.github.pgpool.api.InvalidSettingException;
import io.github.pgpool.api.PoolSetting;
import io.github.pgpool.api.PoolSettings;
import io.github.pgpool.core.PgConnectionFactory;
import jakarta.resource.spi.InvalidPropertyException;
import java.io.Serializable;
import java.util.Arrays;
import java.util.Objects;
import java.util.StringJoiner;

/**
 * The configuration properties of a managed connection factory as the administrator typed them, one text per
 * {@link PoolSetting}, and their validation into {@link PoolSettings}. Keeping the raw text (not parsed values) lets
 * pgpool, not the server's type conversion, judge and report a bad value. Thread-safe.
 */
final class ConfiguredSettings implements Serializable {
    private static final long serialVersionUID = 1L;
    private static final PoolSetting[] SETTINGS = PoolSetting.values();

    /**
     * By {@link PoolSetting#ordinal()}. Starts at the defaults, so that a factory whose server passed the ra.xml
     * defaults explicitly equals one whose server passed nothing.
     */
    private final String[] raw = new String[SETTINGS.length];

    ConfiguredSettings() {
        for (PoolSetting s : SETTINGS) {
            raw[s.ordinal()] = s.defaultText().orElse(null);
        }
    }

    synchronized String get(PoolSetting s) {
        return raw[s.ordinal()];
    }

    /** @return whether the value changed */
    synchronized boolean set(PoolSetting s, String text) {
        if (Objects.equals(raw[s.ordinal()], text)) {
            return false;
        }
        raw[s.ordinal()] = text;
        return true;
    }

    /** @return whether every property still has its ra.xml default (nothing was configured) */
    synchronized boolean isUnconfigured() {
        for (PoolSetting s : SETTINGS) {
            if (!Objects.equals(raw[s.ordinal()], s.defaultText().orElse(null))) {
                return false;
            }
        }
        return true;
    }

    /**
     * @return the validated settings, including the check of DriverProperties keys against pgjdbc's list
     * @throws InvalidPropertyException whose message names the setting, the value (secrets masked) and the rule
     */
    PoolSettings validate() throws InvalidPropertyException {
        String[] text = snapshot();
        PoolSettings.Builder builder = PoolSettings.builder();
        try {
            for (PoolSetting s : SETTINGS) {
                if (text[s.ordinal()] != null) {
                    builder.set(s, text[s.ordinal()]);
                }
            }
            PoolSettings settings = builder.build();
            new PgConnectionFactory(settings); // rejects driver properties pgjdbc does not know
            return settings;
        } catch (InvalidSettingException e) {
            // No cause: servers log causes, and the message is complete (setting, value, rule).
            throw new InvalidPropertyException(scrub(e.getMessage(), text));
        }
    }

    /**
     * Masks secrets a setting's message may echo: the password, and driver property values (a malformed or repeated
     * pair is quoted with the whole DriverProperties text, which may hold {@code sslpassword}).
     */
    private static String scrub(String message, String[] text) {
        String result = message;
        String properties = text[PoolSetting.DRIVER_PROPERTIES.ordinal()];
        if (properties != null && properties.contains("=")) {
            result = result.replace(properties, driverPropertyKeys(properties));
            for (String pair : properties.split(";")) {
                int eq = pair.indexOf('=');
                String value = eq < 0 ? "" : pair.substring(eq + 1).trim();
                if (value.length() >= 3) {
                    result = result.replace(value, "...");
                }
            }
        }
        String password = text[PoolSetting.PASSWORD.ordinal()];
        if (password != null && !password.isEmpty()) {
            result = result.replace(password, "*****");
        }
        return result;
    }

    private synchronized String[] snapshot() {
        return raw.clone();
    }

    @Override
    public boolean equals(Object o) {
        // Snapshots, so that two threads comparing two configurations never hold both locks.
        return o instanceof ConfiguredSettings && Arrays.equals(snapshot(), ((ConfiguredSettings) o).snapshot());
    }

    @Override
    public synchronized int hashCode() {
        return Arrays.hashCode(raw);
    }

    /**
     * @return every property with the password masked and driver property values left out (they may hold secrets
     *     such as {@code sslpassword})
     */
    @Override
    public String toString() {
        String[] text = snapshot();
        StringJoiner j = new StringJoiner(", ");
        for (PoolSetting s : SETTINGS) {
            j.add(s.displayName() + "=" + shown(s, text[s.ordinal()]));
        }
        return j.toString();
    }

    private static String shown(PoolSetting s, String text) {
        if (text == null) {
            return "(not set)";
        }
        if (s == PoolSetting.PASSWORD) {
            return text.isEmpty() ? "" : "*****";
        }
        return s == PoolSetting.DRIVER_PROPERTIES ? driverPropertyKeys(text) : text;
    }

    private static String driverPropertyKeys(String text) {
        StringJoiner keys = new StringJoiner(";");
        for (String pair : text.split(";")) {
            if (!pair.isBlank()) {
                int eq = pair.indexOf('=');
                keys.add(eq < 0 ? pair.trim() : pair.substring(0, eq).trim() + "=...");
            }
        }
        return keys.toString();
    }
}
