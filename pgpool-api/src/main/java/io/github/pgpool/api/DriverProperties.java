package io.github.pgpool.api;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;

/**
 * The text form of {@link PoolSetting#DRIVER_PROPERTIES}: {@code key=value} pairs separated by {@code ;}, where a
 * value writes a {@code ;} as {@code \;} and a backslash before {@code ;} or another backslash as {@code \\} (any
 * other backslash is an ordinary character, so Windows paths need no escaping). Blanks around keys and values are
 * ignored, empty pairs are skipped.
 *
 * <p>Secrecy: nothing at or after the first secret pair (see {@link Secrets}) is ever shown, because an unescaped
 * {@code ;} inside a secret makes its tail look like further pairs. Messages about such a later pair name it by its
 * position only. Immutable.
 */
final class DriverProperties {
    /** Property names the pool sets itself (lower case), and the setting that replaces each. */
    static final Map<String, PoolSetting> OWNED_BY_POOL = Map.ofEntries(
            Map.entry("user", PoolSetting.USER),
            Map.entry("password", PoolSetting.PASSWORD),
            Map.entry("pghost", PoolSetting.SERVER_NAME),
            Map.entry("pgport", PoolSetting.PORT_NUMBER),
            Map.entry("pgdbname", PoolSetting.DATABASE_NAME),
            Map.entry("service", PoolSetting.URL),
            Map.entry("connecttimeout", PoolSetting.CONNECT_TIMEOUT),
            Map.entry("logintimeout", PoolSetting.CONNECT_TIMEOUT));

    /**
     * Properties the pool must own for its promises but that have no setting of their own: the socket factory
     * lets the pool see a dead idle connection without a round trip.
     */
    static final Set<String> RESERVED = Set.of("socketfactory", "socketfactoryarg");

    static final DriverProperties NONE = new DriverProperties(Map.of(), NameableKeys.NONE);

    private final Map<String, String> values;
    private final NameableKeys names;

    private DriverProperties(Map<String, String> values, NameableKeys names) {
        this.values = values;
        this.names = names;
    }

    /** @return the pairs in the order given; unmodifiable */
    Map<String, String> values() {
        return values;
    }

    /**
     * @return how a message may name this key: quoted if it comes before the first secret, otherwise by its
     *     relation to the secret without its name
     */
    String label(String key) {
        return names.label(key);
    }

    /**
     * Parses and checks the text.
     *
     * @throws InvalidSettingException naming DriverProperties, the shown text and what is wrong
     */
    static DriverProperties parse(String text) {
        if (text == null || text.isBlank()) {
            return NONE;
        }
        Map<String, String> values = new LinkedHashMap<>();
        NameableKeys names = new NameableKeys();
        List<String> pairs = split(text);
        for (int i = 0; i < pairs.size(); i++) {
            String pair = pairs.get(i);
            if (pair.isBlank()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String key = eq < 0 ? pair.trim() : pair.substring(0, eq).trim();
            String hidden = names.hidden("pair", i + 1);
            String firstSecret = names.firstSecret();
            if (eq <= 0 || key.isEmpty()) {
                throw invalid(text, (hidden != null ? hidden : "'" + key + "'") + " is not key=value; "
                        + PoolSetting.DRIVER_PROPERTIES.rule() + escapeHint(firstSecret));
            }
            String lower = key.toLowerCase(Locale.ROOT);
            if (OWNED_BY_POOL.containsKey(lower) || RESERVED.contains(lower)) {
                throw invalid(text, hidden != null ? hidden + " is a property the pool sets itself ("
                        + ownedNames() + ")" + escapeHint(firstSecret) : ownedMessage(key, OWNED_BY_POOL.get(lower)));
            }
            if (values.put(key, pair.substring(eq + 1).trim()) != null) {
                // A repeated name that was already shown reveals nothing new.
                throw invalid(text, (names.mayName(key) ? "'" + key + "'" : hidden) + " is given twice"
                        + escapeHint(firstSecret));
            }
            names.add(key);
        }
        return new DriverProperties(Collections.unmodifiableMap(values), names);
    }

    /** @return the property names the pool sets itself, for messages */
    static String ownedNames() {
        return "user, password, PGHOST, PGPORT, PGDBNAME, service, loginTimeout, connectTimeout, socketFactory, "
                + "socketFactoryArg";
    }

    /** The message for a property the pool sets itself, shared with the query part of {@code Url}. */
    static String ownedMessage(String key, PoolSetting owner) {
        if (owner == null) {
            return "'" + key + "' is set by the pool itself (it detects dead connections through its own socket "
                    + "factory) and cannot be given";
        }
        if (owner == PoolSetting.URL) {
            return "'" + key + "' (an entry of pg_service.conf) would choose the target; name it with Url, or with "
                    + "ServerName, PortNumber and DatabaseName";
        }
        String instead = owner == PoolSetting.SERVER_NAME || owner == PoolSetting.PORT_NUMBER
                ? " (or Url for several hosts)" : "";
        return "'" + key + "' has its own setting; use " + owner.displayName() + " instead" + instead;
    }

    private static String escapeHint(String firstSecret) {
        return firstSecret == null ? "" : "; if the value of '" + firstSecret + "' contains ';' or '\\', write "
                + "them as '\\;' and '\\\\'";
    }

    private static InvalidSettingException invalid(String text, String what) {
        return new InvalidSettingException(PoolSetting.DRIVER_PROPERTIES.displayName(), shown(text), what);
    }

    /** Splits at unescaped {@code ;} and resolves the escapes {@code \;} and {@code \\}. */
    private static List<String> split(String text) {
        List<String> pairs = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            char next = i + 1 < text.length() ? text.charAt(i + 1) : 0;
            if (c == '\\' && (next == ';' || next == '\\')) {
                current.append(next);
                i++;
            } else if (c == ';') {
                pairs.add(current.toString());
                current.setLength(0);
            } else {
                current.append(c);
            }
        }
        pairs.add(current.toString());
        return pairs;
    }

    /**
     * @return the text as it may be shown: pairs before the first secret as written, the secret's key with its value
     *     masked, and nothing after it
     */
    static String shown(String text) {
        if (text == null) {
            return "null";
        }
        StringJoiner shown = new StringJoiner(";");
        int start = 0;
        for (int i = 0; i <= text.length(); i++) {
            boolean end = i == text.length();
            if (!end && text.charAt(i) == '\\' && i + 1 < text.length()
                    && (text.charAt(i + 1) == ';' || text.charAt(i + 1) == '\\')) {
                i++;
                continue;
            }
            if (end || text.charAt(i) == ';') {
                String pair = text.substring(start, i);
                int eq = pair.indexOf('=');
                if (eq >= 0 && Secrets.isSecretProperty(pair.substring(0, eq).trim())) {
                    shown.add(pair.substring(0, eq + 1) + Secrets.MASK);
                    if (!text.substring(i).replace(";", "").isBlank()) {
                        shown.add(Secrets.REST_NOT_SHOWN);
                    }
                    return shown.toString();
                }
                shown.add(pair);
                start = i + 1;
            }
        }
        return shown.toString();
    }

    /**
     * @return the canonical text of these pairs, escaped so that {@link #parse} reads it back; the first secret is
     *     masked and what follows it is left out, by the rule of {@link #shown}
     */
    String text() {
        StringJoiner j = new StringJoiner(";");
        int n = 0;
        for (Map.Entry<String, String> e : values.entrySet()) {
            n++;
            if (Secrets.isSecretProperty(e.getKey())) {
                j.add(e.getKey() + "=" + Secrets.MASK);
                if (n < values.size()) {
                    j.add(Secrets.REST_NOT_SHOWN);
                }
                break;
            }
            j.add(e.getKey() + "=" + escape(e.getValue()));
        }
        return j.toString();
    }

    static String escape(String value) {
        return value.replace("\\", "\\\\").replace(";", "\\;");
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DriverProperties && values.equals(((DriverProperties) o).values);
    }

    @Override
    public int hashCode() {
        return values.hashCode();
    }
}
