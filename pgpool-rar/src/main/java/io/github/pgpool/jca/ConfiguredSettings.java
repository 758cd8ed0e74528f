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
            // No cause: servers log causes, and the message is complete (setting, value, rule). Its value is
            // already masked by PoolSetting.shown, the one masking rule.
            throw new InvalidPropertyException(e.getMessage());
        }
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

    /** @return every property as given, masked by {@link PoolSetting#shown(String)} */
    @Override
    public String toString() {
        String[] text = snapshot();
        StringJoiner j = new StringJoiner(", ");
        for (PoolSetting s : SETTINGS) {
            String value = text[s.ordinal()];
            j.add(s.displayName() + "=" + (value == null ? "(not set)" : s.shown(value)));
        }
        return j.toString();
    }
}
