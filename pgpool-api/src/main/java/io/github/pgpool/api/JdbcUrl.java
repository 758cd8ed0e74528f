package io.github.pgpool.api;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;

/**
 * The checks of {@link PoolSetting#URL} that need no driver, and its masked form. The URL is split as pgjdbc splits
 * it: the target (hosts, ports, database) before the first {@code ?}, then {@code key=value} pairs separated by
 * {@code &} whose values are %-decoded ({@code +} is a blank). The target is later checked with pgjdbc's own parser
 * (by the engine, which has the driver), and only the target, never the query, is handed to pgjdbc: pgjdbc logs a
 * URL it cannot parse, and the query may hold {@code sslpassword}.
 *
 * <p>Rules beyond pgjdbc's: no {@code user:password@} before the host (pgjdbc does not know it, and would log it);
 * no {@code user} or {@code password} in the query, since a URL property would win over the pool's credentials
 * inside pgjdbc and log a borrower in as someone else; none of the properties the pool sets itself; no property
 * given twice. Nothing at or after the first secret property of the query is ever shown. Immutable.
 */
final class JdbcUrl {
    static final String PREFIX = "jdbc:postgresql:";
    static final String RULE = "empty, or a pgjdbc URL jdbc:postgresql://host[:port][,host[:port]...]/database"
            + "[?key=value&...] with %-encoded values; no user or password in it; not together with ServerName, "
            + "PortNumber or DatabaseName";
    static final JdbcUrl NONE = new JdbcUrl("", "", Map.of(), NameableKeys.NONE);

    private final String text;
    private final String target;
    private final Map<String, String> properties;
    private final NameableKeys names;

    private JdbcUrl(String text, String target, Map<String, String> properties, NameableKeys names) {
        this.text = text;
        this.target = target;
        this.properties = properties;
        this.names = names;
    }

    /** @return the URL as given; may hold secrets, so only for connecting */
    String text() {
        return text;
    }

    /** @return the URL up to its query ({@code jdbc:postgresql://h1:5432,h2/shop}): never holds a secret */
    String target() {
        return target;
    }

    /** @return the query's properties, values decoded, in the order given; unmodifiable */
    Map<String, String> properties() {
        return properties;
    }

    /** @return how many hosts the target names */
    int hostCount() {
        if (!target.startsWith(PREFIX + "//")) {
            return 1;
        }
        String authority = target.substring(PREFIX.length() + 2);
        int slash = authority.indexOf('/');
        authority = slash < 0 ? authority : authority.substring(0, slash);
        int n = 0;
        for (String host : authority.split(",")) {
            n += host.isEmpty() ? 0 : 1;
        }
        return n;
    }

    /** @see DriverProperties#label(String) */
    String label(String key) {
        return names.label(key);
    }

    /**
     * @param text the value of Url; empty means not given
     * @throws InvalidSettingException naming Url, the masked value and the rule broken
     */
    static JdbcUrl parse(String text) {
        if (text == null || text.isEmpty()) {
            return NONE;
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isWhitespace(c) || Character.isISOControl(c)) {
                throw invalid(text, "contains a blank or control character at position " + (i + 1)
                        + " (write it %-encoded); " + RULE);
            }
        }
        if (!text.startsWith(PREFIX)) {
            throw invalid(text, "must start with " + PREFIX + "; " + RULE);
        }
        int q = text.indexOf('?');
        String target = q < 0 ? text : text.substring(0, q);
        if (authority(target).indexOf('@') >= 0) {
            throw invalid(text, "names a user before '@', which pgjdbc does not read; give credentials with User and "
                    + "Password; " + RULE);
        }
        Map<String, String> properties = new LinkedHashMap<>();
        NameableKeys names = new NameableKeys();
        String[] pairs = q < 0 ? new String[0] : text.substring(q + 1).split("&", -1);
        for (int i = 0; i < pairs.length; i++) {
            String pair = pairs[i];
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String key = eq < 0 ? pair : pair.substring(0, eq);
            String hidden = names.hidden("query pair", i + 1);
            if (key.isEmpty()) {
                throw invalid(text, (hidden != null ? hidden : "a query pair") + " has no name; " + RULE);
            }
            String lower = key.toLowerCase(Locale.ROOT);
            boolean owned = DriverProperties.OWNED_BY_POOL.containsKey(lower)
                    || DriverProperties.RESERVED.contains(lower);
            if (owned && hidden != null) {
                throw invalid(text, hidden + " is a property the pool sets itself ("
                        + DriverProperties.ownedNames() + ")");
            }
            if (lower.equals("user") || lower.equals("password")) {
                throw invalid(text, "the query names '" + key + "': credentials never come from the Url (inside "
                        + "pgjdbc they would win over the pool's and the application's); give them with User and "
                        + "Password");
            }
            if (lower.equals("pghost") || lower.equals("pgport") || lower.equals("pgdbname")) {
                throw invalid(text, "'" + key + "' belongs in the URL itself: jdbc:postgresql://host:port/database");
            }
            if (owned) {
                throw invalid(text, DriverProperties.ownedMessage(key, DriverProperties.OWNED_BY_POOL.get(lower)));
            }
            String value;
            try {
                value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                throw invalid(text, "the value of " + (hidden != null ? hidden : "'" + key + "'")
                        + " is not correctly %-encoded; " + RULE);
            }
            if (properties.put(key, value) != null) {
                throw invalid(text, (names.mayName(key) ? "'" + key + "'" : hidden) + " is given twice");
            }
            names.add(key);
        }
        return new JdbcUrl(text, target, Collections.unmodifiableMap(properties), names);
    }

    /** @return the part between {@code //} and the path, or empty for the form without {@code //} */
    private static String authority(String target) {
        if (!target.startsWith(PREFIX + "//")) {
            return "";
        }
        String rest = target.substring(PREFIX.length() + 2);
        int slash = rest.indexOf('/');
        return slash < 0 ? rest : rest.substring(0, slash);
    }

    private static InvalidSettingException invalid(String text, String what) {
        return new InvalidSettingException(PoolSetting.URL.displayName(), shown(text), what);
    }

    /**
     * @return the URL as it may be shown: anything before an {@code @} in the host part masked, the query up to
     *     its first secret property, that value masked, and nothing after it
     */
    static String shown(String text) {
        if (text == null) {
            return "null";
        }
        int q = text.indexOf('?');
        String target = q < 0 ? text : text.substring(0, q);
        String authority = authority(target);
        int at = authority.lastIndexOf('@');
        if (at >= 0) {
            target = PREFIX + "//" + Secrets.MASK + authority.substring(at) + target.substring(PREFIX.length() + 2
                    + authority.length());
        }
        if (q < 0) {
            return target;
        }
        StringJoiner shown = new StringJoiner("&", target + "?", "");
        String[] pairs = text.substring(q + 1).split("&", -1);
        for (int i = 0; i < pairs.length; i++) {
            int eq = pairs[i].indexOf('=');
            String key = eq < 0 ? pairs[i] : pairs[i].substring(0, eq);
            if (Secrets.isSecretProperty(key)) {
                shown.add(key + "=" + Secrets.MASK);
                if (i + 1 < pairs.length) {
                    shown.add(Secrets.REST_NOT_SHOWN);
                }
                return shown.toString();
            }
            shown.add(pairs[i]);
        }
        return shown.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof JdbcUrl && text.equals(((JdbcUrl) o).text);
    }

    @Override
    public int hashCode() {
        return text.hashCode();
    }
}
