package io.github.pgpool.api;

import java.nio.charset.StandardCharsets;

/**
 * The rules for the text settings that name things on the server: the host, the database, the user, and the pool's
 * own name. Nothing is trimmed or corrected: a value that breaks a rule is rejected, because a silently changed name
 * connects somewhere else than the administrator wrote (PostgreSQL itself cuts a name after 63 bytes, so a longer
 * database name would reach the database named by its first 63 bytes). Stateless.
 */
final class TextRules {
    /** PostgreSQL's NAMEDATALEN - 1: the longest database or role name, in bytes. */
    static final int MAX_NAME_BYTES = 63;
    /** The longest DNS name. */
    static final int MAX_HOST_CHARS = 253;

    private static final String NAME_RULE = "at most " + MAX_NAME_BYTES + " bytes in UTF-8 (PostgreSQL's longest "
            + "name), no control characters, no blanks at either end";

    private TextRules() {
    }

    /** @return the rule of a {@link SettingType#STRING} setting, in words */
    static String rule(PoolSetting s) {
        switch (s) {
            case SERVER_NAME:
                return "must not be empty; one host name or IP address: letters, digits and . - _ : [ ] only (and % "
                        + "for an IPv6 zone), at most " + MAX_HOST_CHARS + " characters (several hosts go in Url)";
            case DATABASE_NAME:
                return "must not be empty; " + NAME_RULE;
            case USER:
                return NAME_RULE + "; empty means the driver's default";
            case POOL_NAME:
                return "any text without control characters and without blanks at either end";
            default:
                throw new AssertionError(s);
        }
    }

    /**
     * @return {@code text}, unchanged, if it follows the rule of {@code s}
     * @throws InvalidSettingException naming the setting, the value and what is wrong
     */
    static String check(PoolSetting s, String text) {
        if (text == null) {
            throw s.invalid(null);
        }
        if (text.isBlank()) {
            if (s == PoolSetting.SERVER_NAME || s == PoolSetting.DATABASE_NAME) {
                throw s.invalid(text);
            }
            if (!text.isEmpty()) {
                throw s.invalid(text, "only blanks; " + s.rule());
            }
            return text;
        }
        if (s == PoolSetting.SERVER_NAME) {
            checkHost(s, text, text);
            return text;
        }
        for (int i = 0; i < text.length(); i++) {
            if (Character.isISOControl(text.charAt(i))) {
                throw s.invalid(text, "contains a control character (code " + (int) text.charAt(i) + ") at "
                        + "position " + (i + 1) + "; " + s.rule());
            }
        }
        if (!text.strip().equals(text)) {
            throw s.invalid(text, "begins or ends with a blank; " + s.rule());
        }
        if (s != PoolSetting.POOL_NAME) {
            int bytes = text.getBytes(StandardCharsets.UTF_8).length;
            if (bytes > MAX_NAME_BYTES) {
                throw s.invalid(text, "is " + bytes + " bytes long; " + s.rule());
            }
        }
        return text;
    }

    /**
     * Checks one host name or address, as given in ServerName or as one host of Url.
     *
     * @param shownValue the whole value, for the message
     */
    static void checkHost(PoolSetting s, String host, String shownValue) {
        if (host.isEmpty()) {
            throw s.invalid(shownValue, "names an empty host; " + rule(PoolSetting.SERVER_NAME));
        }
        if (host.length() > MAX_HOST_CHARS) {
            throw s.invalid(shownValue, "a host name of " + host.length() + " characters; "
                    + rule(PoolSetting.SERVER_NAME));
        }
        for (int i = 0; i < host.length(); i++) {
            char c = host.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || ".-_:[]%".indexOf(c) >= 0;
            // '%' only as the zone of an IPv6 address (fe80::1%eth0); elsewhere it would read as an escape.
            ok &= c != '%' || host.indexOf(':') >= 0;
            if (!ok) {
                String what = c == ',' && s == PoolSetting.SERVER_NAME ? "names several hosts; give them in Url, "
                        + "for example jdbc:postgresql://h1:5432,h2:5432/db?targetServerType=primary"
                        : Character.isWhitespace(c) ? "contains a blank" : Character.isISOControl(c)
                        ? "contains a control character (code " + (int) c + ")" : "contains '" + c + "'";
                throw s.invalid(shownValue, what + "; " + rule(PoolSetting.SERVER_NAME));
            }
        }
    }
}
