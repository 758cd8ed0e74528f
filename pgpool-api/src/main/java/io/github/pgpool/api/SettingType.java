package io.github.pgpool.api;

/**
 * The kind of value a {@link PoolSetting} takes, which decides how its text form is parsed and checked.
 */
public enum SettingType {
    /** A whole number within the setting's bounds. */
    INTEGER,
    /**
     * A duration written as in django_pgpool: a plain number of seconds that may have decimals ({@code 10},
     * {@code 1.5}), or a number with a unit suffix {@code ms}, {@code s}, {@code m} or {@code h}.
     */
    DURATION,
    /** Free text. */
    STRING,
    /** Free text that is never shown: not in logs, messages, {@code toString()} or statistics. */
    SECRET,
    /** A pgjdbc JDBC URL ({@code jdbc:postgresql://...}), possibly naming several hosts. */
    URL,
    /** pgjdbc connection properties passed through as {@code key=value} pairs separated by {@code ;}. */
    PROPERTIES,
    /** One of a fixed set of words. */
    CHOICE
}
