package io.github.pgpool.api;

import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.StringJoiner;

/**
 * A complete, validated and immutable pool configuration. Build one with {@link #builder()}; every value is checked
 * against its {@link PoolSetting}'s rule when it is set, and {@link Builder#build()} checks what is required and
 * what cannot be combined. Nothing is ever silently corrected: a bad value is an {@link InvalidSettingException}.
 * Combinations that are valid but cannot do what was meant are listed by {@link #warnings()}.
 *
 * <p>{@link #toString()} never shows the password or a secret connection property.
 */
public final class PoolSettings {
    private final SettingValues v;

    private PoolSettings(SettingValues values) {
        this.v = values;
    }

    /** @return a builder with every setting at its default */
    public static Builder builder() {
        return new Builder(SettingValues.defaults());
    }

    /** @return a builder that starts from this configuration */
    public Builder toBuilder() {
        return new Builder(v.copy());
    }

    /** @return {@link PoolSetting#MAX_SIZE} */
    public int maxSize() {
        return v.maxSize;
    }

    /** @return {@link PoolSetting#MAX_WAIT}, always positive */
    public Duration maxWait() {
        return v.maxWait;
    }

    /** @return {@link PoolSetting#EXPIRES}; {@link Duration#ZERO} means disabled */
    public Duration expires() {
        return v.expires;
    }

    /** @return {@link PoolSetting#CLEANUP}; {@link Duration#ZERO} means disabled */
    public Duration cleanup() {
        return v.cleanup;
    }

    /** @return {@link PoolSetting#SERVER_NAME}; its default when the target is given by {@link #url()} */
    public String serverName() {
        return v.serverName;
    }

    /** @return {@link PoolSetting#PORT_NUMBER}; its default when the target is given by {@link #url()} */
    public int portNumber() {
        return v.portNumber;
    }

    /** @return {@link PoolSetting#DATABASE_NAME}, or {@code null} when the target is given by {@link #url()} */
    public String databaseName() {
        return v.databaseName;
    }

    /**
     * @return {@link PoolSetting#URL} as given, or empty when the target is ServerName, PortNumber and
     *     DatabaseName. It may hold a secret property: only for opening connections, never log or show it (use
     *     {@link #text(PoolSetting)}).
     */
    public String url() {
        return v.url.text();
    }

    /**
     * @return the part of {@link #url()} before its query ({@code jdbc:postgresql://h1:5432,h2/shop}), which never
     *     holds a secret; empty when no Url is given
     */
    public String urlTarget() {
        return v.url.target();
    }

    /** @return the connection properties of {@link #url()}'s query, values decoded, in order; unmodifiable */
    public Map<String, String> urlProperties() {
        return v.url.properties();
    }

    /** @return {@link PoolSetting#USER}, possibly empty */
    public String user() {
        return v.user;
    }

    /**
     * @return {@link PoolSetting#PASSWORD}, possibly empty. Only for opening connections: never log or show it.
     */
    public String password() {
        return v.password;
    }

    /** @return the default credentials, made of {@link #user()} and {@link #password()} */
    public Credentials defaultCredentials() {
        return Credentials.of(user(), password());
    }

    /** @return {@link PoolSetting#DRIVER_PROPERTIES} as an ordered, unmodifiable map, escapes resolved */
    public Map<String, String> driverProperties() {
        return v.driverProperties.values();
    }

    /**
     * @param key the name of a property of {@link #driverProperties()} or {@link #urlProperties()}
     * @return how a message may name it: {@code 'key'}, or, for a property given after a secret one (which may be
     *     the tail of a secret value with an unescaped separator), words that do not show its name
     */
    public String describeProperty(String key) {
        return v.driverProperties.values().containsKey(key) ? v.driverProperties.label(key) : v.url.label(key);
    }

    /**
     * @return whether every connection is meant to reach a writable primary: pgjdbc's {@code targetServerType} (in
     *     the Url or in DriverProperties) is {@code primary}, {@code master} or {@code preferPrimary}. On such a
     *     pool a "read-only transaction" error (SQLState 25006) means the server was demoted under its open
     *     connections, and new connections would find the new primary.
     */
    public boolean targetsPrimary() {
        String type = v.url.properties().containsKey(TARGET_SERVER_TYPE) ? v.url.properties().get(TARGET_SERVER_TYPE)
                : v.driverProperties.values().get(TARGET_SERVER_TYPE);
        return "primary".equals(type) || "master".equals(type) || "preferPrimary".equals(type);
    }

    private static final String TARGET_SERVER_TYPE = "targetServerType";

    /** @return {@link PoolSetting#POOL_NAME} if given, else {@code user@host:port/database} or {@code user@Url} */
    public String poolName() {
        if (!v.poolName.isEmpty()) {
            return v.poolName;
        }
        String who = user().isEmpty() ? "" : user() + "@";
        if (!v.url.text().isEmpty()) {
            String target = v.url.target().substring(JdbcUrl.PREFIX.length());
            return who + (target.startsWith("//") ? target.substring(2) : target);
        }
        return who + serverName() + ":" + portNumber() + "/" + databaseName();
    }

    /** @return {@link PoolSetting#VALIDATE_IDLE}; {@link Duration#ZERO} means validate on every borrow */
    public Duration validateIdle() {
        return v.validateIdle;
    }

    /** @return {@link PoolSetting#VALIDATION_TIMEOUT}, always positive */
    public Duration validationTimeout() {
        return v.validationTimeout;
    }

    /** @return {@link PoolSetting#CONNECT_TIMEOUT}, always positive */
    public Duration connectTimeout() {
        return v.connectTimeout;
    }

    /** @return {@link PoolSetting#LEAK_THRESHOLD}; {@link Duration#ZERO} means disabled */
    public Duration leakThreshold() {
        return v.leakThreshold;
    }

    /** @return {@link PoolSetting#SESSION_RESET} */
    public SessionResetMode sessionReset() {
        return v.sessionReset;
    }

    /** @return whether {@link PoolSetting#SESSION_RESET} asks for {@code DISCARD ALL} on every return */
    public boolean alwaysResetSession() {
        return v.sessionReset == SessionResetMode.ALWAYS;
    }

    /**
     * @return one sentence per combination of settings that is valid but cannot do what was meant (for example a
     *     ConnectTimeout longer than MaxWait), naming the settings and their values; empty at the defaults. The pool
     *     logs them once when it starts.
     */
    public List<String> warnings() {
        return SettingWarnings.of(v);
    }

    /**
     * @param setting any setting
     * @return its value in canonical text form, which {@link Builder#set(PoolSetting, String)} reads back, masked by
     *     the rule of {@link PoolSetting#shown(String)}: the password shows as {@code *****} unless empty, and a
     *     property list ends at its first secret; {@code null} for DatabaseName when Url gives the target
     */
    public String text(PoolSetting setting) {
        return v.text(setting);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PoolSettings && v.equals(((PoolSettings) o).v);
    }

    @Override
    public int hashCode() {
        return v.hashCode();
    }

    /** @return every setting with its value; secrets are masked */
    @Override
    public String toString() {
        StringJoiner j = new StringJoiner(", ", "PoolSettings{", "}");
        for (PoolSetting s : PoolSetting.values()) {
            j.add(s.displayName() + "=" + text(s));
        }
        return j.toString();
    }

    /**
     * Collects setting values, checking each one as it is set. Not thread-safe; the {@link PoolSettings} it builds
     * is immutable.
     */
    public static final class Builder {
        private final SettingValues values;

        private Builder(SettingValues values) {
            this.values = values;
        }

        /**
         * Sets a setting from its text form, as an administrator typed it.
         *
         * @throws InvalidSettingException if the value breaks the setting's rule
         */
        public Builder set(PoolSetting setting, String text) {
            values.set(setting, text);
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

        /**
         * Sets {@link PoolSetting#URL}, the target as a pgjdbc URL, instead of ServerName, PortNumber and
         * DatabaseName; empty or {@code null} removes it.
         */
        public Builder url(String url) {
            return set(PoolSetting.URL, url == null ? "" : url);
        }

        /** The same as {@link #url(String)}, under the name HikariCP users know. */
        public Builder jdbcUrl(String url) {
            return url(url);
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
            return sessionReset(always ? SessionResetMode.ALWAYS : SessionResetMode.DETECT);
        }

        /** Sets {@link PoolSetting#SESSION_RESET}. */
        public Builder sessionReset(SessionResetMode mode) {
            return set(PoolSetting.SESSION_RESET, Objects.requireNonNull(mode, "SessionReset").word());
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
            if (d.compareTo(setting.maxDuration().orElseThrow()) > 0) {
                throw new InvalidSettingException(setting.displayName(), d.toString(), "too large; "
                        + setting.rule());
            }
            return set(setting, Durations.format(d));
        }

        /**
         * @return the validated, immutable settings
         * @throws InvalidSettingException if a required setting (such as {@code DatabaseName}) has no value, or
         *     settings are combined that exclude each other
         */
        public PoolSettings build() {
            TargetRules.check(values);
            return new PoolSettings(values.copy());
        }

        private static Set<String> names() {
            Set<String> names = new LinkedHashSet<>();
            for (PoolSetting s : PoolSetting.values()) {
                names.add(s.displayName());
            }
            return names;
        }
    }
}
