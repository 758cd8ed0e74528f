package io.github.pgpool.api;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Every pgpool setting, and the single source of truth for its name, type, default, bounds and meaning. The resource
 * adapter's configuration properties, the validation messages and the settings table in the documentation are all
 * taken from this enum, so they cannot drift apart.
 *
 * <p>Names are written as administrators type them in a server's console ({@code MaxSize}, {@code MaxWait}, ...).
 * Durations use the notation of {@link Durations}. Every duration has an upper bound, chosen so that the value works
 * everywhere it goes: waits and timeouts ({@code MaxWait}, {@code ConnectTimeout}, {@code ValidationTimeout}) at most
 * {@code 24h}, which pgjdbc's whole-second {@code connectTimeout} (multiplied to milliseconds in an {@code int}),
 * JDBC's {@code int} millisecond network timeouts and the servers' {@code int} second timeouts all hold with room to
 * spare, and which is longer than any request thread can sensibly block; lifetimes and idle times ({@code Expires},
 * {@code Cleanup}, {@code ValidateIdle}, {@code LeakThreshold}) at most {@code 8760h} (365 days): anything longer
 * means "never", which is {@code 0} where that exists, and a year in nanoseconds (3.2e16) added to a clock reading
 * stays 290 times below {@code long} overflow. Immutable.
 */
public enum PoolSetting {
    /** Hard limit of physical connections open at the same time, over all credentials. */
    MAX_SIZE("MaxSize", SettingType.INTEGER, "20", 1, 100_000, null,
            "Hard limit of physical connections open at the same time; when all are in use a request waits."),
    /** How long a request waits for a free connection before it fails with {@link PoolTimeoutException}. */
    MAX_WAIT("MaxWait", SettingType.DURATION, "10", 1, Bounds.DAY_MS, null,
            "How long a request waits for a free connection (opening one included) before it fails with a "
                    + "timeout exception."),
    /** Maximum lifetime of a physical connection; 0 disables. */
    EXPIRES("Expires", SettingType.DURATION, "300", 0, Bounds.YEAR_MS, "disabled",
            "Maximum lifetime of a physical connection; older ones are closed and replaced, never handed out. "
                    + "0 disables."),
    /** Idle time after which an unused physical connection is closed; 0 disables. */
    CLEANUP("Cleanup", SettingType.DURATION, "20", 0, Bounds.YEAR_MS, "disabled",
            "Idle time after which an unused physical connection is closed, so the pool shrinks to nothing when "
                    + "traffic stops. 0 disables."),
    /** Host name or address of the PostgreSQL server. */
    SERVER_NAME("ServerName", SettingType.STRING, "localhost", 1, 0, null,
            "Host name or IP address of the PostgreSQL server."),
    /** TCP port of the PostgreSQL server. */
    PORT_NUMBER("PortNumber", SettingType.INTEGER, "5432", 1, 65_535, null,
            "TCP port of the PostgreSQL server."),
    /** The database to connect to; required unless {@link #URL} is given. */
    DATABASE_NAME("DatabaseName", SettingType.STRING, null, 1, 0, null,
            "Name of the database to connect to (required unless Url is given). Taken as it is: no character "
                    + "has a special meaning."),
    /** A pgjdbc URL naming one or several hosts, instead of ServerName, PortNumber and DatabaseName. */
    URL("Url", SettingType.URL, "", 0, 0, null,
            "The connection target as a pgjdbc URL, for example "
                    + "'jdbc:postgresql://h1:5432,h2:5432/shop?targetServerType=primary' (several hosts, failover); "
                    + "instead of ServerName, PortNumber and DatabaseName, which then keep their defaults. Its "
                    + "query properties are checked like DriverProperties; user and password never come from it."),
    /** The user name used when the application does not pass credentials. */
    USER("User", SettingType.STRING, "", 0, 0, null,
            "Database user for connections opened without application- or container-supplied credentials."),
    /** The password of {@link #USER}; never shown anywhere. */
    PASSWORD("Password", SettingType.SECRET, "", 0, 0, null,
            "Password of User. Never logged or shown."),
    /** Further pgjdbc connection properties, passed through. */
    DRIVER_PROPERTIES("DriverProperties", SettingType.PROPERTIES, "", 0, 0, null,
            "Further pgjdbc connection properties as key=value pairs separated by ';', for example "
                    + "'sslmode=verify-full;ApplicationName=shop'; inside a value write ';' as '\\;' and a "
                    + "backslash before it as '\\\\'. Keys are checked against pgjdbc's list; the ones the pool sets "
                    + "itself (user, password, PGHOST, PGPORT, PGDBNAME, service, loginTimeout, connectTimeout, "
                    + "socketFactory, socketFactoryArg) are refused. Values of password, secret and token "
                    + "properties, and everything after them, are never shown."),
    /** Name of the pool in messages, statistics, thread names and JMX. */
    POOL_NAME("PoolName", SettingType.STRING, "", 0, 0, null,
            "Name of the pool in messages, statistics and thread names; empty means user@host:port/database."),
    /** Idle time after which a connection is validated before it is handed out; 0 validates every time. */
    VALIDATE_IDLE("ValidateIdle", SettingType.DURATION, "1", 0, Bounds.YEAR_MS, "check every time",
            "A connection idle longer than this is checked with a round trip before it is handed out; "
                    + "0 checks every time."),
    /** How long a validity check may take before the connection is considered dead. */
    VALIDATION_TIMEOUT("ValidationTimeout", SettingType.DURATION, "5", 1, Bounds.DAY_MS, null,
            "How long a validity check may take before the connection is considered dead."),
    /** How long opening one physical connection may take. */
    CONNECT_TIMEOUT("ConnectTimeout", SettingType.DURATION, "10", 1, Bounds.DAY_MS, null,
            "How long opening one physical connection (TCP connect and login) may take; attempts are retried "
                    + "with back-off until MaxWait runs out."),
    /** How long a connection may be held before a leak warning with the borrower's stack trace; 0 disables. */
    LEAK_THRESHOLD("LeakThreshold", SettingType.DURATION, "0", 0, Bounds.YEAR_MS, "disabled",
            "A connection held longer than this is reported as a possible leak with the borrower's stack "
                    + "trace. 0 disables."),
    /** How a returned connection's session state is reset. */
    SESSION_RESET("SessionReset", SettingType.CHOICE, "detect", 0, 0, null,
            "How session state is cleaned when a connection comes back: 'detect' runs DISCARD ALL only after "
                    + "statements that may change session state, 'always' runs it on every return, 'none' never "
                    + "runs it (only behind PgBouncer in transaction pooling, where session state does not "
                    + "survive a transaction anyway).",
            "detect", "always", "none");

    private final String displayName;
    private final SettingType type;
    private final String defaultText;
    private final long min;
    private final long max;
    private final String zeroMeans;
    private final String description;
    private final List<String> choices;

    /**
     * @param min for INTEGER the least value; for DURATION 0 (zero allowed, meaning {@code zeroMeans}) or 1; for
     *     STRING 1 if the value must not be empty
     * @param max for INTEGER the largest value; for DURATION the longest, in milliseconds
     */
    PoolSetting(String displayName, SettingType type, String defaultText, long min, long max, String zeroMeans,
            String description, String... choices) {
        this.displayName = displayName;
        this.type = type;
        this.defaultText = defaultText;
        this.min = min;
        this.max = max;
        this.zeroMeans = zeroMeans;
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

    /** @return for a {@link SettingType#DURATION} setting the longest value allowed, otherwise empty */
    public Optional<Duration> maxDuration() {
        return type == SettingType.DURATION ? Optional.of(Duration.ofMillis(max)) : Optional.empty();
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
                String longest = Durations.format(Duration.ofMillis(max))
                        + (max == Bounds.YEAR_MS ? " (365 days)" : "");
                return (min == 0 ? "must be 0 (" + zeroMeans + ") or a duration of at least 1ms"
                        : "must be a duration of at least 1ms") + " and at most " + longest + "; " + Durations.RULE;
            case STRING:
                return TextRules.rule(this);
            case SECRET:
                return "any text without the NUL character";
            case URL:
                return JdbcUrl.RULE;
            case PROPERTIES:
                return "key=value pairs separated by ';' (in a value, '\\;' stands for ';' and '\\\\' for a "
                        + "backslash before it), keys known to pgjdbc and not set by the pool itself";
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
     * The one masking rule applied to a value of this setting wherever it is shown (messages, {@code toString()},
     * JMX): the password is masked (an empty one stays empty); in DriverProperties and in the query of Url the value of the first secret
     * property (see {@link Secrets}) is masked and nothing after it is shown.
     *
     * @param text a value as given, possibly invalid
     * @return the value as it may be shown
     */
    public String shown(String text) {
        switch (type) {
            case SECRET:
                return Secrets.mask(text);
            case PROPERTIES:
                return DriverProperties.shown(text);
            case URL:
                return JdbcUrl.shown(text);
            default:
                return String.valueOf(text);
        }
    }

    /** @return the whole number, checked against this setting's bounds */
    int parseInteger(String text) {
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

    /** @return the duration, checked against this setting's bounds */
    Duration parseDuration(String text) {
        Duration d = Durations.parse(displayName, text);
        if (d.isZero() && min > 0) {
            throw invalid(text);
        }
        if (d.toMillis() > max) {
            throw invalid(text, "too large; " + rule());
        }
        return d;
    }

    /** @return the allowed word, in lower case */
    String parseChoice(String text) {
        String word = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        if (!choices.contains(word)) {
            throw invalid(text);
        }
        return word;
    }

    InvalidSettingException invalid(String text) {
        return invalid(text, rule());
    }

    InvalidSettingException invalid(String text, String what) {
        return new InvalidSettingException(displayName, shown(text), what);
    }

    /** Upper bounds of durations, in milliseconds; see the class comment for why. */
    private static final class Bounds {
        static final long DAY_MS = 24L * 3_600_000L;
        static final long YEAR_MS = 365L * DAY_MS;
    }
}
