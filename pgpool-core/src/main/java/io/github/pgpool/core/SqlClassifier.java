package io.github.pgpool.core;

import java.util.concurrent.ConcurrentHashMap;

/**
 * Tells from a statement's text whether running it may leave session state behind (SET, temp tables, PREPARE,
 * LISTEN, cursors WITH HOLD, session advisory locks, set_config, ...), so that the pool resets the session with
 * {@code DISCARD ALL} only when that can matter. It errs on the side of "may change": only plain data statements
 * without known session-changing functions count as harmless. A server-side function that runs SET by itself is not
 * visible here; pools that run such functions set {@code SessionReset=always}.
 *
 * <p>Called for every prepared statement, so it allocates nothing and remembers its answers for the statement texts
 * an application uses (a bounded number).
 */
final class SqlClassifier {
    private static final String[] HARMLESS_VERBS = {
        "select", "insert", "update", "delete", "with", "values", "table", "merge", "explain", "show",
        "begin", "start", "commit", "end", "rollback", "savepoint", "release", "abort", "truncate", "copy", "lock"
    };
    private static final String[] SESSION_FUNCTIONS = {"advisory_lock", "set_config", "pg_listen", "dblink_connect"};
    private static final int MAX_REMEMBERED = 4096;
    private static final ConcurrentHashMap<String, Boolean> REMEMBERED = new ConcurrentHashMap<>();

    private SqlClassifier() {
    }

    /** @return whether running {@code sql} may change session state that must not reach the next borrower */
    static boolean mayChangeSession(String sql) {
        if (sql == null) {
            return true;
        }
        Boolean known = REMEMBERED.get(sql);
        if (known != null) {
            return known;
        }
        boolean answer = classify(sql);
        if (REMEMBERED.size() < MAX_REMEMBERED) {
            REMEMBERED.put(sql, answer);
        }
        return answer;
    }

    private static boolean classify(String sql) {
        int start = skipBlanksAndComments(sql, 0);
        if (start < 0) {
            return false;
        }
        int end = start;
        while (end < sql.length() && Character.isLetter(sql.charAt(end))) {
            end++;
        }
        if (hasSecondStatement(sql)) {
            return true; // "SELECT 1; SET search_path = x" runs both
        }
        for (String harmless : HARMLESS_VERBS) {
            if (harmless.length() == end - start && sql.regionMatches(true, start, harmless, 0, harmless.length())) {
                return containsSessionFunction(sql) || (harmless.equals("select") && selectsIntoTemp(sql));
            }
        }
        return true;
    }

    private static boolean hasSecondStatement(String sql) {
        int semicolon = sql.indexOf(';');
        while (semicolon >= 0) {
            int next = skipBlanksAndComments(sql, semicolon + 1);
            if (next < 0) {
                return false;
            }
            if (sql.charAt(next) != ';') {
                return true;
            }
            semicolon = next;
        }
        return false;
    }

    private static boolean containsSessionFunction(String sql) {
        for (String f : SESSION_FUNCTIONS) {
            if (containsIgnoreCase(sql, f)) {
                return true;
            }
        }
        return false;
    }

    /** SELECT ... INTO TEMP creates a temporary table. */
    private static boolean selectsIntoTemp(String sql) {
        return containsIgnoreCase(sql, " into ") && containsIgnoreCase(sql, "temp");
    }

    private static boolean containsIgnoreCase(String text, String lowerNeedle) {
        int last = text.length() - lowerNeedle.length();
        for (int i = 0; i <= last; i++) {
            if (text.regionMatches(true, i, lowerNeedle, 0, lowerNeedle.length())) {
                return true;
            }
        }
        return false;
    }

    private static int skipBlanksAndComments(String sql, int from) {
        int i = from;
        int n = sql.length();
        while (i < n) {
            char c = sql.charAt(i);
            if (Character.isWhitespace(c) || c == '(') {
                i++;
            } else if (c == '-' && i + 1 < n && sql.charAt(i + 1) == '-') {
                int eol = sql.indexOf('\n', i);
                i = eol < 0 ? n : eol + 1;
            } else if (c == '/' && i + 1 < n && sql.charAt(i + 1) == '*') {
                int close = sql.indexOf("*/", i + 2);
                i = close < 0 ? n : close + 2;
            } else {
                return i;
            }
        }
        return -1;
    }
}
