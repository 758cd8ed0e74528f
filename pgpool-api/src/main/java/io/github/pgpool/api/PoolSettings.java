package io.github.pgpool.api;

import java.time.Duration;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.StringJoiner;

/**
 * A complete, validated and immutable pool configuration. Build one with {@link #builder()}; every value is checked
 * against its {@link PoolSetting}'s rule when it is set, and {@link Builder#build()} checks what is required. Nothing
 * is ever silently corrected: a bad value is an {@link InvalidSettingException}.
 *
 * <p>{@link #toString()} never shows the password.
 */
public final class PoolSettings {
    /** Driver property keys that have a dedicated setting and so may not be passed through. */
    private static final Map<String, PoolSetting> DEDICATED_KEYS = Map.of(
            "user", PoolSetting.USER,
            "password", PoolSetting.PASSWORD,
            "pghost", PoolSetting.SERVER_NAME,
            "pgport", PoolSetting.PORT_NUMBER,
            "pgdbname", PoolSetting.DATABASE_NAME,
            "connecttimeout", PoolSetting.CONNECT_TIMEOUT,
            "logintimeout", PoolSetting.CONNECT_TIMEOUT);

    private final EnumMap<PoolSetting, Object> values;
    private final Map<String, String> driverProperties;

    private PoolSettings(EnumMap<PoolSetting, Object> values) {
        this.values = values;
        this.driverProperties = Collections.unmodifiableMap(
                parseDriverProperties((String) values.get(PoolSetting.DRIVER_PROPERTIES)));
    }

    /** @return a builder with every setting at its default */
    public static Builder builder() {
        return new Builder();
    }

    /** @return a builder that starts from this configuration */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.values.putAll(values);
        return b;
    }

    /** @return {@link PoolSetting#MAX_SIZE} */
    public int maxSize() {
        return (Integer) values.get(PoolSetting.MAX_SIZE);
    }

    /** @return {@link PoolSetting#MAX_WAIT}, always positive */
    public Duration maxWait() {
        return duration(PoolSetting.MAX_WAIT);
    }

    /** @return {@link PoolSetting#EXPIRES}; {@link Duration#ZERO} means disabled */
    public Duration expires() {
        return duration(PoolSetting.EXPIRES);
    }

    /** @return {@link PoolSetting#CLEANUP}; {@link Duration#ZERO} means disabled */
    public Duration cleanup() {
        return duration(PoolSetting.CLEANUP);
    }

    /** @return {@link PoolSetting#SERVER_NAME} */
    public String serverName() {
        return (String) values.get(PoolSetting.SERVER_NAME);
    }

    /** @return {@link PoolSetting#PORT_NUMBER} */
    public int portNumber() {
        return (Integer) values.get(PoolSetting.PORT_NUMBER);
    }

    /** @return {@link PoolSetting#DATABASE_NAME} */
    public String databaseName() {
        return (String) values.get(PoolSetting.DATABASE_NAME);
    }

    /** @return {@link PoolSetting#USER}, possibly empty */
    public String user() {
        return (String) values.get(PoolSetting.USER);
    }

    /**
     * @return {@link PoolSetting#PASSWORD}, possibly empty. Only for opening connections: never log or show it.
     */
    public String password() {
        return (String) values.get(PoolSetting.PASSWORD);
    }

    /** @return the default credentials, made of {@link #user()} and {@link #password()} */
    public Credentials defaultCredentials() {
        return Credentials.of(user(), password());
    }

    /** @return {@link PoolSetting#DRIVER_PROPERTIES} as an ordered, unmodifiable map */
    public Map<String, String> driverProperties() {
        return driverProperties;
    }

    /** @return {@link PoolSetting#POOL_NAME} if given, else {@code user@host:port/database} */
    public String poolName() {
        String name = (String) values.get(PoolSetting.POOL_NAME);
        if (!name.isEmpty()) {
            return name;
        }
        String who = user().isEmpty() ? "" : user() + "@";
        return who + serverName() + ":" + portNumber() + "/" + databaseName();
    }

    /** @return {@link PoolSetting#VALIDATE_IDLE}; {@link Duration#ZERO} means validate on every borrow */
    public Duration validateIdle() {
        return duration(PoolSetting.VALIDATE_IDLE);
    }

    /** @return {@link PoolSetting#VALIDATION_TIMEOUT}, always positive */
    public Duration validationTimeout() {
        return duration(PoolSetting.VALIDATION_TIMEOUT);
    }

    /** @return {@link PoolSetting#CONNECT_TIMEOUT}, always positive */
    public Duration connectTimeout() {
        return duration(PoolSetting.CONNECT_TIMEOUT);
    }

    /** @return {@link PoolSetting#LEAK_THRESHOLD}; {@link Duration#ZERO} means disabled */
    public Duration leakThreshold() {
        return duration(PoolSetting.LEAK_THRESHOLD);
    }

    /** @return whether {@link PoolSetting#SESSION_RESET} asks for {@code DISCARD ALL} on every return */
    public boolean alwaysResetSession() {
        return "always".equals(values.get(PoolSetting.SESSION_RESET));
    }

    /**
     * @param setting any setting
     * @return its value in canonical text form, which {@link Builder#set(PoolSetting, String)} reads back; a
     *     secret is masked unless empty
     */
    public String text(PoolSetting setting) {
        Object value = values.get(setting);
        if (setting.type() == SettingType.SECRET) {
            return ((String) value).isEmpty() ? "" : "*****";
        }
        if (setting.type() == SettingType.PROPERTIES) {
            return setting.shown((String) value);
        }
        return value instanceof Duration ? Durations.format((Duration) value) : String.valueOf(value);
    }

    private Duration duration(PoolSetting setting) {
        return (Duration) values.get(setting);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PoolSettings && values.equals(((PoolSettings) o).values);
    }

    @Override
    public int hashCode() {
        return values.hashCode();
    }

    /** @return every setting with its value; the password is masked */
    @Override
    public String toString() {
        StringJoiner j = new StringJoiner(", ", "PoolSettings{", "}");
        for (PoolSetting s : PoolSetting.values()) {
            j.add(s.displayName() + "=" + text(s));
        }
        return j.toString();
    }

    private static Map<String, String> parseDriverProperties(String text) {
        Map<String, String> result = new LinkedHashMap<>();
        if (text == null || text.isBlank()) {
            return result;
        }
        for (String pair : text.split(";")) {
            if (pair.isBlank()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String key = eq < 0 ? pair.trim() : pair.substring(0, eq).trim();
            if (eq <= 0 || key.isEmpty()) {
                throw new InvalidSettingException(PoolSetting.DRIVER_PROPERTIES.displayName(),
                        PoolSetting.DRIVER_PROPERTIES.shown(text),
                        "'" + key + "' is not key=value; " + PoolSetting.DRIVER_PROPERTIES.rule());
            }
            PoolSetting dedicated = DEDICATED_KEYS.get(key.toLowerCase(Locale.ROOT));
            if (dedicated != null) {
                // Never echo the pairs here: the key may be 'password'.
                throw new InvalidSettingException(PoolSetting.DRIVER_PROPERTIES.displayName(), "(not shown)",
                        "'" + key + "' has its own setting; use " + dedicated.displayName() + " instead");
            }
            if (result.put(key, pair.substring(eq + 1).trim()) != null) {
                throw new InvalidSettingException(PoolSetting.DRIVER_PROPERTIES.displayName(),
                        PoolSetting.DRIVER_PROPERTIES.shown(text), "'" + key + "' is given twice");
            }
        }
        return result;
    }

    /**
     * Collects setting values, checking each one as it is set. Not thread-safe; the {@link PoolSettings} it builds
     * is immutable.
     */
    public static final class Builder {
        private final EnumMap<PoolSetting, Object> values = new EnumMap<>(PoolSetting.class);

        private Builder() {
            for (PoolSetting s : PoolSetting.values()) {
                s.defaultText().ifPresent(text -> values.put(s, s.parse(text)));
            }
        }

        /**
         * Sets a setting from its text form, as an administrator typed it.
         *
         * @throws InvalidSettingException if the value breaks the setting's rule
         */
        public Builder set(PoolSetting setting, String text) {
            Object parsed = setting.parse(text);
            if (setting == PoolSetting.DRIVER_PROPERTIES) {
                parseDriverProperties((String) parsed); // fail now, where the bad value was given
            }
            values.put(setting, parsed);
            return this;
        }

        /**
         * Sets a setting found by its name (case ignored) from its text form.
         *
         * @throws InvalidSettingException if there is no such setting or the value breaks its rule
         */
        public Builder set(String name, String text) {
            PoolSetting setting = PoolSetting.forName(name).orElseThrow(() -> new InvalidSettingException(
                    String.valueOf(name), "(not shown)", "there is no such setting; known settings are "
                            + String.join(", ", names())));
            return set(setting, text);
        }

        /** Sets {@link PoolSetting#MAX_SIZE}. */
        public Builder maxSize(int maxSize) {
            return set(PoolSetting.MAX_SIZE, Integer.toString(maxSize));
        }

        /** Sets {@link PoolSetting#MAX_WAIT}. */
        public Builder maxWait(Duration maxWait) {
            return duration(PoolSetting.MAX_WAIT, maxWait);
        }

        /** Sets {@link PoolSetting#EXPIRES}; {@link Duration#ZERO} disables. */
        public Builder expires(Duration expires) {
            return duration(PoolSetting.EXPIRES, expires);
        }

        /** Sets {@link PoolSetting#CLEANUP}; {@link Duration#ZERO} disables. */
        public Builder cleanup(Duration cleanup) {
            return duration(PoolSetting.CLEANUP, cleanup);
        }

        /** Sets {@link PoolSetting#SERVER_NAME}. */
        public Builder serverName(String serverName) {
            return set(PoolSetting.SERVER_NAME, serverName);
        }

        /** Sets {@link PoolSetting#PORT_NUMBER}. */
        public Builder portNumber(int port) {
            return set(PoolSetting.PORT_NUMBER, Integer.toString(port));
        }

        /** Sets {@link PoolSetting#DATABASE_NAME}. */
        public Builder databaseName(String databaseName) {
            return set(PoolSetting.DATABASE_NAME, databaseName);
        }

        /** Sets {@link PoolSetting#USER}. */
        public Builder user(String user) {
            return set(PoolSetting.USER, user);
        }

        /** Sets {@link PoolSetting#PASSWORD}. */
        public Builder password(String password) {
            return set(PoolSetting.PASSWORD, password);
        }

        /** Sets {@link PoolSetting#DRIVER_PROPERTIES} from {@code key=value;key=value} text. */
        public Builder driverProperties(String pairs) {
            return set(PoolSetting.DRIVER_PROPERTIES, pairs);
        }

        /** Sets {@link PoolSetting#POOL_NAME}. */
        public Builder poolName(String poolName) {
            return set(PoolSetting.POOL_NAME, poolName);
        }

        /** Sets {@link PoolSetting#VALIDATE_IDLE}. */
        public Builder validateIdle(Duration validateIdle) {
            return duration(PoolSetting.VALIDATE_IDLE, validateIdle);
        }

        /** Sets {@link PoolSetting#VALIDATION_TIMEOUT}. */
        public Builder validationTimeout(Duration timeout) {
            return duration(PoolSetting.VALIDATION_TIMEOUT, timeout);
        }

        /** Sets {@link PoolSetting#CONNECT_TIMEOUT}. */
        public Builder connectTimeout(Duration timeout) {
            return duration(PoolSetting.CONNECT_TIMEOUT, timeout);
        }

        /** Sets {@link PoolSetting#LEAK_THRESHOLD}; {@link Duration#ZERO} disables. */
        public Builder leakThreshold(Duration threshold) {
            return duration(PoolSetting.LEAK_THRESHOLD, threshold);
        }

        /** Sets {@link PoolSetting#SESSION_RESET} to {@code always} or back to {@code detect}. */
        public Builder alwaysResetSession(boolean always) {
            return set(PoolSetting.SESSION_RESET, always ? "always" : "detect");
        }

        private Builder duration(PoolSetting setting, Duration d) {
            Objects.requireNonNull(d, setting.displayName());
            if (d.isNegative()) {
                throw new InvalidSettingException(setting.displayName(), d.toString(), "must not be negative; "
                        + setting.rule());
            }
            if (d.getNano() % 1_000_000 != 0) {
                throw new InvalidSettingException(setting.displayName(), d.toString(),
                        "durations are kept to the millisecond");
            }
            return set(setting, Durations.format(d));
        }

        /**
         * @return the validated, immutable settings
         * @throws InvalidSettingException if a required setting (such as {@code DatabaseName}) has no value
         */
        public PoolSettings build() {
            for (PoolSetting s : PoolSetting.values()) {
                if (!values.containsKey(s)) {
                    throw new InvalidSettingException(s.displayName(), "(not set)", "is required; " + s.rule());
                }
            }
            return new PoolSettings(new EnumMap<>(values));
        }

        private static Set<String> names() {
            Set<String> names = new java.util.LinkedHashSet<>();
            for (PoolSetting s : PoolSetting.values()) {
                names.add(s.displayName());
            }
            return names;
        }
    }
}
