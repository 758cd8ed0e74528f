package io.github.pgpool.api;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Every pgpool setting, and the single source of truth for its name, type, default and meaning. The resource
 * adapter's configuration properties, the validation messages and the settings table in the documentation are all
 * taken from this enum, so they cannot drift apart.
 *
 * <p>Names are written as administrators type them in a server's console ({@code MaxSize}, {@code MaxWait}, ...).
 * Durations use the notation of {@link Durations}.
 */
public enum PoolSetting {
    /** Hard limit of physical connections open at the same time, over all credentials. */
    MAX_SIZE("MaxSize", SettingType.INTEGER, "20", 1, 100_000,
            "Hard limit of physical connections open at the same time; when all are in use a request waits."),
    /** How long a request waits for a free connection before it fails with {@link PoolTimeoutException}. */
    MAX_WAIT("MaxWait", SettingType.DURATION, "10", 1, 0,
            "How long a request waits for a free connection (opening one included) before it fails with a "
                    + "timeout exception."),
    /** Maximum lifetime of a physical connection; 0 disables. */
    EXPIRES("Expires", SettingType.DURATION, "300", 0, 0,
            "Maximum lifetime of a physical connection; older ones are closed and replaced, never handed out. "
                    + "0 disables."),
    /** Idle time after which an unused physical connection is closed; 0 disables. */
    CLEANUP("Cleanup", SettingType.DURATION, "20", 0, 0,
            "Idle time after which an unused physical connection is closed, so the pool shrinks to nothing when "
                    + "traffic stops. 0 disables."),
    /** Host name or address of the PostgreSQL server. */
    SERVER_NAME("ServerName", SettingType.STRING, "localhost", 1, 0,
            "Host name or IP address of the PostgreSQL server."),
    /** TCP port of the PostgreSQL server. */
    PORT_NUMBER("PortNumber", SettingType.INTEGER, "5432", 1, 65_535,
            "TCP port of the PostgreSQL server."),
    /** The database to connect to; required. */
    DATABASE_NAME("DatabaseName", SettingType.STRING, null, 1, 0,
            "Name of the database to connect to (required)."),
    /** The user name used when the application does not pass credentials. */
    USER("User", SettingType.STRING, "", 0, 0,
            "Database user for connections opened without application- or container-supplied credentials."),
    /** The password of {@link #USER}; never shown anywhere. */
    PASSWORD("Password", SettingType.SECRET, "", 0, 0,
            "Password of User. Never logged or shown."),
    /** Further pgjdbc connection properties, passed through. */
    DRIVER_PROPERTIES("DriverProperties", SettingType.PROPERTIES, "", 0, 0,
            "Further pgjdbc connection properties as key=value pairs separated by ';', for example "
                    + "'sslmode=verify-full;ApplicationName=shop'. Keys are checked against pgjdbc's list."),
    /** Name of the pool in messages, statistics, thread names and JMX. */
    POOL_NAME("PoolName", SettingType.STRING, "", 0, 0,
            "Name of the pool in messages, statistics and thread names; empty means user@host:port/database."),
    /** Idle time after which a connection is validated before it is handed out; 0 validates every time. */
    VALIDATE_IDLE("ValidateIdle", SettingType.DURATION, "1", 0, 0,
            "A connection idle longer than this is checked with a round trip before it is handed out; "
                    + "0 checks every time."),
    /** How long a validity check may take before the connection is considered dead. */
    VALIDATION_TIMEOUT("ValidationTimeout", SettingType.DURATION, "5", 1, 0,
            "How long a validity check may take before the connection is considered dead."),
    /** How long opening one physical connection may take. */
    CONNECT_TIMEOUT("ConnectTimeout", SettingType.DURATION, "10", 1, 0,
            "How long opening one physical connection (TCP connect and login) may take; attempts are retried "
                    + "with back-off until MaxWait runs out."),
    /** How long a connection may be held before a leak warning with the borrower's stack trace; 0 disables. */
    LEAK_THRESHOLD("LeakThreshold", SettingType.DURATION, "0", 0, 0,
            "A connection held longer than this is reported as a possible leak with the borrower's stack "
                    + "trace. 0 disables."),
    /** How a returned connection's session state is reset. */
    SESSION_RESET("SessionReset", SettingType.CHOICE, "detect", 0, 0,
            "How session state is cleaned when a connection comes back: 'detect' runs DISCARD ALL only after "
                    + "statements that may change session state, 'always' runs it on every return.",
            "detect", "always");

    private final String displayName;
    private final SettingType type;
    private final String defaultText;
    private final long min;
    private final long max;
    private final String description;
    private final List<String> choices;

    PoolSetting(String displayName, SettingType type, String defaultText, long min, long max, String description,
            String... choices) {
        this.displayName = displayName;
        this.type = type;
        this.defaultText = defaultText;
        this.min = min;
        this.max = max;
        this.description = description;
        this.choices = List.of(choices);
    }

    /** @return the name administrators write, e.g. {@code MaxWait} */
    public String displayName() {
        return displayName;
    }

    /** @return the kind of value this setting takes */
    public SettingType type() {
        return type;
    }

    /** @return the default in text form, or empty if the setting is required */
    public Optional<String> defaultText() {
        return Optional.ofNullable(defaultText);
    }

    /** @return whether a value must be given because there is no default */
    public boolean isRequired() {
        return defaultText == null;
    }

    /** @return what the setting means, in one or two sentences */
    public String description() {
        return description;
    }

    /** @return the allowed words of a {@link SettingType#CHOICE} setting, otherwise empty */
    public List<String> choices() {
        return choices;
    }

    /**
     * @return the rule a value must follow, in words, as used in {@link InvalidSettingException} messages and the
     *     documentation
     */
    public String rule() {
        switch (type) {
            case INTEGER:
                return "must be a whole number from " + min + " to " + max;
            case DURATION:
                return (min == 0 ? "must be 0 (disabled) or a duration of at least 1ms"
                        : "must be a duration of at least 1ms") + "; " + Durations.RULE;
            case STRING:
                return min > 0 ? "must not be empty" : "any text";
            case SECRET:
                return "any text";
            case PROPERTIES:
                return "key=value pairs separated by ';', keys known to pgjdbc";
            case CHOICE:
                return "must be one of " + String.join(", ", choices);
            default:
                throw new AssertionError(type);
        }
    }

    /**
     * Finds a setting by the name administrators write; the comparison ignores case.
     *
     * @param name for example {@code maxsize} or {@code MaxSize}
     * @return the setting, or empty if there is none of that name
     */
    public static Optional<PoolSetting> forName(String name) {
        return Arrays.stream(values()).filter(s -> s.displayName.equalsIgnoreCase(name)).findFirst();
    }

    /**
     * @return the value as it may be shown in messages: secrets are masked, and so are pass-through driver
     *     properties whose name says they hold a secret (such as {@code sslpassword})
     */
    String shown(String text) {
        if (type == SettingType.SECRET) {
            return "*****";
        }
        return type == SettingType.PROPERTIES ? maskSecretProperties(text) : String.valueOf(text);
    }

    /** Masks the values of {@code key=value} pairs whose key names a password, secret or token. */
    static String maskSecretProperties(String pairs) {
        if (pairs == null) {
            return "null";
        }
        StringBuilder shown = new StringBuilder();
        for (String pair : pairs.split(";", -1)) {
            if (shown.length() > 0) {
                shown.append(';');
            }
            int eq = pair.indexOf('=');
            String key = (eq < 0 ? pair : pair.substring(0, eq)).toLowerCase(Locale.ROOT);
            boolean secret = key.contains("password") || key.contains("secret") || key.contains("token");
            shown.append(eq >= 0 && secret ? pair.substring(0, eq + 1) + "*****" : pair);
        }
        return shown.toString();
    }

    /**
     * Checks and converts a text value.
     *
     * @return an {@link Integer}, {@link java.time.Duration} or {@link String} depending on {@link #type()}
     * @throws InvalidSettingException naming this setting, the value and the rule
     */
    Object parse(String text) {
        switch (type) {
            case INTEGER:
                return parseInteger(text);
            case DURATION:
                java.time.Duration d = Durations.parse(displayName, text);
                if (d.isZero() && min > 0) {
                    throw invalid(text);
                }
                return d;
            case STRING:
                if (text == null || (min > 0 && text.isBlank())) {
                    throw invalid(text);
                }
                return text.trim();
            case SECRET:
            case PROPERTIES:
                return text == null ? "" : text;
            case CHOICE:
                String word = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
                if (!choices.contains(word)) {
                    throw invalid(text);
                }
                return word;
            default:
                throw new AssertionError(type);
        }
    }

    private Integer parseInteger(String text) {
        long value;
        try {
            value = Long.parseLong(text == null ? "" : text.trim());
        } catch (NumberFormatException e) {
            throw invalid(text);
        }
        if (value < min || value > max) {
            throw invalid(text);
        }
        return (int) value;
    }

    InvalidSettingException invalid(String text) {
        return new InvalidSettingException(displayName, shown(text), rule());
    }
}
