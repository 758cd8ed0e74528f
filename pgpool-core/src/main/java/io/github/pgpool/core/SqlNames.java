package io.github.pgpool.core;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

/**
 * The PostgreSQL names {@link SqlClassifier} judges by: the keyword categories of {@code pg_get_keywords()} and the
 * built-in functions known to leave no session state behind, both read once from {@code pg-names.txt} (generated
 * from PostgreSQL 15's catalogs; the file says how), plus the JDBC escape functions pgjdbc translates into
 * built-ins. Looks a name up in a region of a string without allocating. Immutable after class initialisation, so
 * safe to share between threads without locks.
 *
 * <p>If the resource cannot be read, every table is empty: every function call then counts as "may change" and
 * nothing is judged harmless by a keyword, which costs round trips but never lets state through. A warning says so.
 */
final class SqlNames {
    static final int RESERVED = 1;
    static final int COLUMN_NAME = 2;
    static final int TYPE_FUNC_NAME = 4;
    static final int UNRESERVED = 8;
    /** A keyword that can never be a function's name (reserved or column-name keyword). */
    static final int NEVER_FUNCTION = RESERVED | COLUMN_NAME;
    static final int KEYWORD = RESERVED | COLUMN_NAME | TYPE_FUNC_NAME | UNRESERVED;
    static final int HARMLESS_FUNCTION = 16;
    static final int JDBC_ESCAPE_FUNCTION = 32;

    /** The {fn ...} names pgjdbc 42.7 rewrites into built-ins (EscapedFunctions2); others pass as they are. */
    private static final String[] JDBC_ESCAPES = {"ceiling", "log", "log10", "power", "truncate", "char", "concat",
        "insert", "lcase", "left", "length", "locate", "ltrim", "right", "rtrim", "space", "substring", "ucase",
        "curdate", "curtime", "dayname", "dayofmonth", "dayofweek", "dayofyear", "hour", "minute", "month", "monthname",
        "quarter", "second", "week", "year", "timestampadd", "timestampdiff", "database", "ifnull", "user"};
    private static final String RESOURCE = "pg-names.txt";

    private static final String[] KEYS;
    private static final byte[] BITS;
    private static final int MASK;
    /** Slots taken while the tables are filled (class initialisation only). */
    private static int used;

    static {
        String[] keys = new String[8192];
        byte[] bits = new byte[keys.length];
        try (InputStream in = SqlNames.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IOException("resource " + RESOURCE + " is missing");
            }
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            int section = 0;
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                if (line.startsWith("[")) {
                    section = section(line);
                } else if (!line.startsWith("#") && section != 0) {
                    for (String name : line.trim().split(" +")) {
                        if (!name.isEmpty()) {
                            add(keys, bits, name, section);
                        }
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            java.util.Arrays.fill(keys, null);
            java.util.Arrays.fill(bits, (byte) 0);
            used = 0;
            System.getLogger(SqlNames.class.getName()).log(System.Logger.Level.WARNING, "pgpool: cannot read "
                    + RESOURCE + " (" + e + "); SessionReset=detect now resets after every statement that calls a "
                    + "function");
        }
        for (String name : JDBC_ESCAPES) {
            add(keys, bits, name, JDBC_ESCAPE_FUNCTION);
        }
        KEYS = keys;
        BITS = bits;
        MASK = keys.length - 1;
    }

    private SqlNames() {
    }

    private static int section(String header) {
        switch (header.trim()) {
            case "[keywords R]":
                return RESERVED;
            case "[keywords C]":
                return COLUMN_NAME;
            case "[keywords T]":
                return TYPE_FUNC_NAME;
            case "[keywords U]":
                return UNRESERVED;
            case "[functions]":
                return HARMLESS_FUNCTION;
            default:
                throw new IllegalArgumentException("unknown section " + header);
        }
    }

    private static void add(String[] keys, byte[] bits, String name, int bit) {
        int mask = keys.length - 1;
        int i = spread(name.hashCode()) & mask;
        while (keys[i] != null && !keys[i].equals(name)) {
            i = (i + 1) & mask;
        }
        if (keys[i] == null) {
            if (++used * 2 > keys.length) {
                throw new IllegalStateException(RESOURCE + " holds too many names for the table");
            }
            keys[i] = name;
        }
        bits[i] |= (byte) bit;
    }

    private static int spread(int h) {
        return h ^ (h >>> 16);
    }

    /**
     * @param fold whether to fold ASCII capitals first, as PostgreSQL does with an unquoted name
     * @return the category bits of {@code s[start, end)}, 0 for an unknown name
     */
    static int of(CharSequence s, int start, int end, boolean fold) {
        int h = 0;
        for (int i = start; i < end; i++) {
            h = 31 * h + (fold ? lower(s.charAt(i)) : s.charAt(i));
        }
        int len = end - start;
        for (int i = spread(h) & MASK; KEYS[i] != null; i = (i + 1) & MASK) {
            String k = KEYS[i];
            if (k.length() == len && same(k, s, start, fold)) {
                return BITS[i];
            }
        }
        return 0;
    }

    private static boolean same(String key, CharSequence s, int start, boolean fold) {
        for (int j = 0; j < key.length(); j++) {
            char c = s.charAt(start + j);
            if (key.charAt(j) != (fold ? lower(c) : c)) {
                return false;
            }
        }
        return true;
    }

    /** PostgreSQL folds only ASCII letters of an unquoted identifier (in multibyte encodings). */
    static char lower(char c) {
        return c >= 'A' && c <= 'Z' ? (char) (c + ('a' - 'A')) : c;
    }
}
