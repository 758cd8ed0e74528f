package io.github.pgpool.core;

import java.util.Locale;

/**
 * Tells from a statement's text whether running it may leave session state behind (SET, temp tables, PREPARE,
 * LISTEN, cursors WITH HOLD, session advisory locks, set_config, ...), so that the pool resets the session with
 * {@code DISCARD ALL} only when that can matter. It errs on the side of "may change": only plain data statements
 * without known session-changing functions count as harmless. A server-side function that runs SET by itself is not
 * visible here; pools that run such functions set {@code SessionReset=always}.
 */
final class SqlClassifier {
    private static final String[] HARMLESS_VERBS = {
        "select", "insert", "update", "delete", "with", "values", "table", "merge", "explain", "show",
        "begin", "start", "commit", "end", "rollback", "savepoint", "release", "abort", "truncate", "copy", "lock"
    };
    private static final String[] SESSION_FUNCTIONS = {"advisory_lock", "set_config", "pg_listen", "dblink_connect"};

    private SqlClassifier() {
    }

    /** @return whether running {@code sql} may change session state that must not reach the next borrower */
    static boolean mayChangeSession(String sql) {
        if (sql == null) {
            return true;
        }
        int start = skipBlanksAndComments(sql);
        if (start < 0) {
            return false;
        }
        int end = start;
        while (end < sql.length() && Character.isLetter(sql.charAt(end))) {
            end++;
        }
        String verb = sql.substring(start, end).toLowerCase(Locale.ROOT);
        if (hasSecondStatement(sql)) {
            return true; // "SELECT 1; SET search_path = x" runs both
        }
        for (String harmless : HARMLESS_VERBS) {
            if (harmless.equals(verb)) {
                return containsSessionFunction(sql) || (verb.equals("select") && selectsInto(sql));
            }
        }
        return true;
    }

    private static boolean hasSecondStatement(String sql) {
        int semicolon = sql.indexOf(';');
        return semicolon >= 0 && skipBlanksAndComments(sql.substring(semicolon + 1).replace(';', ' ')) >= 0;
    }

    private static boolean containsSessionFunction(String sql) {
        String lower = sql.toLowerCase(Locale.ROOT);
        for (String f : SESSION_FUNCTIONS) {
            if (lower.contains(f)) {
                return true;
            }
        }
        return false;
    }

    /** SELECT ... INTO TEMP creates a temporary table. */
    private static boolean selectsInto(String sql) {
        String lower = sql.toLowerCase(Locale.ROOT);
        return lower.contains(" into ") && lower.contains("temp");
    }

    private static int skipBlanksAndComments(String sql) {
        int i = 0;
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
