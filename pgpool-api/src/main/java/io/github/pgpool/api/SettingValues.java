package io.github.pgpool.api;

import java.time.Duration;
import java.util.Locale;
import java.util.Objects;

/**
 * One typed field per {@link PoolSetting}: the values a {@link PoolSettings.Builder} collects and a
 * {@link PoolSettings} holds. Each value is checked against its setting's rule when it is set from text, so a field
 * only ever holds a valid value of its own type. Mutable and not thread-safe; a {@link PoolSettings} holds a private
 * copy that is never changed.
 */
final class SettingValues {
    int maxSize;
    Duration maxWait;
    Duration expires;
    Duration cleanup;
    String serverName;
    int portNumber;
    /** {@code null} until given: required unless {@link #url} is. */
    String databaseName;
    JdbcUrl url = JdbcUrl.NONE;
    String user;
    String password;
    DriverProperties driverProperties = DriverProperties.NONE;
    String poolName;
    Duration validateIdle;
    Duration validationTimeout;
    Duration connectTimeout;
    Duration leakThreshold;
    SessionResetMode sessionReset;

    /** @return the defaults of every setting; {@link #databaseName} stays unset */
    static SettingValues defaults() {
        SettingValues v = new SettingValues();
        for (PoolSetting s : PoolSetting.values()) {
            s.defaultText().ifPresent(text -> v.set(s, text));
        }
        return v;
    }

    SettingValues copy() {
        SettingValues c = new SettingValues();
        for (PoolSetting s : PoolSetting.values()) {
            c.copyFrom(this, s);
        }
        return c;
    }

    /**
     * Sets one value from its text form.
     *
     * @throws InvalidSettingException if the text breaks the setting's rule; the value is then unchanged
     */
    void set(PoolSetting s, String text) {
        switch (s) {
            case MAX_SIZE -> maxSize = s.parseInteger(text);
            case MAX_WAIT -> maxWait = s.parseDuration(text);
            case EXPIRES -> expires = s.parseDuration(text);
            case CLEANUP -> cleanup = s.parseDuration(text);
            case SERVER_NAME -> serverName = TextRules.check(s, text);
            case PORT_NUMBER -> portNumber = s.parseInteger(text);
            case DATABASE_NAME -> databaseName = TextRules.check(s, text);
            case URL -> url = JdbcUrl.parse(text);
            case USER -> user = TextRules.check(s, text);
            case PASSWORD -> password = checkPassword(text);
            case DRIVER_PROPERTIES -> driverProperties = DriverProperties.parse(text);
            case POOL_NAME -> poolName = TextRules.check(s, text);
            case VALIDATE_IDLE -> validateIdle = s.parseDuration(text);
            case VALIDATION_TIMEOUT -> validationTimeout = s.parseDuration(text);
            case CONNECT_TIMEOUT -> connectTimeout = s.parseDuration(text);
            case LEAK_THRESHOLD -> leakThreshold = s.parseDuration(text);
            case SESSION_RESET -> sessionReset = SessionResetMode.valueOf(s.parseChoice(text).toUpperCase(Locale.ROOT));
            default -> throw new AssertionError(s);
        }
    }

    /**
     * @return the value in canonical text form, which {@link #set} reads back; secrets are masked by the rule of
     *     {@link PoolSetting#shown(String)}; {@code null} for a required setting not given
     */
    String text(PoolSetting s) {
        return switch (s) {
            case MAX_SIZE -> Integer.toString(maxSize);
            case MAX_WAIT -> Durations.format(maxWait);
            case EXPIRES -> Durations.format(expires);
            case CLEANUP -> Durations.format(cleanup);
            case SERVER_NAME -> serverName;
            case PORT_NUMBER -> Integer.toString(portNumber);
            case DATABASE_NAME -> databaseName;
            case URL -> JdbcUrl.shown(url.text());
            case USER -> user;
            case PASSWORD -> Secrets.mask(password);
            case DRIVER_PROPERTIES -> driverProperties.text();
            case POOL_NAME -> poolName;
            case VALIDATE_IDLE -> Durations.format(validateIdle);
            case VALIDATION_TIMEOUT -> Durations.format(validationTimeout);
            case CONNECT_TIMEOUT -> Durations.format(connectTimeout);
            case LEAK_THRESHOLD -> Durations.format(leakThreshold);
            case SESSION_RESET -> sessionReset.word();
        };
    }

    private void copyFrom(SettingValues o, PoolSetting s) {
        switch (s) {
            case MAX_SIZE -> maxSize = o.maxSize;
            case MAX_WAIT -> maxWait = o.maxWait;
            case EXPIRES -> expires = o.expires;
            case CLEANUP -> cleanup = o.cleanup;
            case SERVER_NAME -> serverName = o.serverName;
            case PORT_NUMBER -> portNumber = o.portNumber;
            case DATABASE_NAME -> databaseName = o.databaseName;
            case URL -> url = o.url;
            case USER -> user = o.user;
            case PASSWORD -> password = o.password;
            case DRIVER_PROPERTIES -> driverProperties = o.driverProperties;
            case POOL_NAME -> poolName = o.poolName;
            case VALIDATE_IDLE -> validateIdle = o.validateIdle;
            case VALIDATION_TIMEOUT -> validationTimeout = o.validationTimeout;
            case CONNECT_TIMEOUT -> connectTimeout = o.connectTimeout;
            case LEAK_THRESHOLD -> leakThreshold = o.leakThreshold;
            case SESSION_RESET -> sessionReset = o.sessionReset;
            default -> throw new AssertionError(s);
        }
    }

    private static String checkPassword(String text) {
        if (text == null) {
            return "";
        }
        if (text.indexOf('\0') >= 0) {
            throw PoolSetting.PASSWORD.invalid(text, "contains the NUL character, which the login protocol cannot "
                    + "carry");
        }
        return text;
    }

    /** Compares the values themselves, the password and secret driver properties included. */
    @Override
    public boolean equals(Object o) {
        if (!(o instanceof SettingValues)) {
            return false;
        }
        SettingValues v = (SettingValues) o;
        return maxSize == v.maxSize && portNumber == v.portNumber && maxWait.equals(v.maxWait)
                && expires.equals(v.expires) && cleanup.equals(v.cleanup) && serverName.equals(v.serverName)
                && Objects.equals(databaseName, v.databaseName) && url.equals(v.url) && user.equals(v.user)
                && password.equals(v.password) && driverProperties.equals(v.driverProperties)
                && poolName.equals(v.poolName) && validateIdle.equals(v.validateIdle)
                && validationTimeout.equals(v.validationTimeout) && connectTimeout.equals(v.connectTimeout)
                && leakThreshold.equals(v.leakThreshold) && sessionReset == v.sessionReset;
    }

    @Override
    public int hashCode() {
        return Objects.hash(maxSize, portNumber, maxWait, expires, cleanup, serverName, databaseName, url, user,
                password, driverProperties, poolName, validateIdle, validationTimeout, connectTimeout,
                leakThreshold, sessionReset);
    }
}
