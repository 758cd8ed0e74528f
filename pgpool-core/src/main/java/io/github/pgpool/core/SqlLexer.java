package io.github.pgpool.core;

/**
 * Splits SQL text into tokens the way PostgreSQL's scanner (scan.l, version 15) does, as far as telling code from
 * literals and comments needs: nested block comments, line comments ended by LF or CR, standard, {@code E''},
 * {@code N''}, {@code B''}, {@code X''} and {@code U&''} strings with their continuation across a newline, dollar
 * quotes, quoted and {@code U&""} identifiers, {@code $n} parameters, JDBC {@code ?} and {@code { }}. One pass, each
 * character looked at a bounded number of times, no allocation. Not thread-safe: one instance per classification.
 *
 * <p>Where pgjdbc (which splits the text and rewrites {@code ?} before the server sees it) could read the text
 * differently from the server, the lexer reports {@link #ERROR}, which the classifier takes as "may change": a
 * continued string that is not a standard one, and a {@code $} that starts nothing.
 */
final class SqlLexer {
    static final int EOF = 0;
    /** Text PostgreSQL would reject or pgjdbc might read differently: unterminated quote or comment, stray $. */
    static final int ERROR = 1;
    /** An unquoted name or keyword. */
    static final int WORD = 2;
    /** A double-quoted identifier; {@link #start}/{@link #end} span its content, {@link #doubled} if it holds "". */
    static final int QUOTED = 3;
    /** A {@code U&"..."} identifier, whose name is only known after its escapes are decoded. */
    static final int UNICODE_QUOTED = 4;
    static final int STRING = 5;
    static final int NUMBER = 6;
    /** {@code $n}. */
    static final int PARAM = 7;
    static final int LPAREN = 8;
    static final int RPAREN = 9;
    static final int LBRACKET = 10;
    static final int RBRACKET = 11;
    static final int COMMA = 12;
    static final int SEMICOLON = 13;
    static final int DOT = 14;
    static final int LBRACE = 15;
    static final int RBRACE = 16;
    /** Any other character: operators, {@code ?}, {@code :}. */
    static final int OP = 17;

    /** Longest dollar-quote tag accepted, so that finding its end stays linear. */
    private static final int MAX_TAG = 64;

    private final String sql;
    private final int n;
    private final boolean backslashQuotes;
    private int pos;

    /** The current token's kind and extent. */
    int kind;
    int start;
    int end;
    boolean doubled;
    /** Whether a standard {@code ''} string held a backslash: then the text reads differently with scs off. */
    boolean backslashInStandardString;

    /**
     * @param standardConformingStrings whether backslashes in {@code ''} strings are plain characters (PostgreSQL's
     *     default since 9.1) or escapes
     */
    SqlLexer(String sql, boolean standardConformingStrings) {
        this.sql = sql;
        this.n = sql.length();
        this.backslashQuotes = !standardConformingStrings;
    }

    /** @return the kind of the next token, also in {@link #kind} */
    int next() {
        doubled = false;
        int i = skipSpaceAndComments(pos);
        if (i < 0) {
            return token(ERROR, pos, n);
        }
        if (i >= n) {
            return token(EOF, n, n);
        }
        char c = sql.charAt(i);
        switch (c) {
            case '\'':
                return string(i, i, backslashQuotes ? 'e' : 'q');
            case '"':
                return quoted(i, i + 1, QUOTED);
            case '$':
                return dollar(i);
            case '(':
                return single(LPAREN, i);
            case ')':
                return single(RPAREN, i);
            case '[':
                return single(LBRACKET, i);
            case ']':
                return single(RBRACKET, i);
            case ',':
                return single(COMMA, i);
            case ';':
                return single(SEMICOLON, i);
            case '{':
                return single(LBRACE, i);
            case '}':
                return single(RBRACE, i);
            case '.':
                return i + 1 < n && digit(sql.charAt(i + 1)) ? number(i) : single(DOT, i);
            default:
                break;
        }
        if (digit(c)) {
            return number(i);
        }
        if (identStart(c)) {
            return word(i);
        }
        return single(OP, i);
    }

    private int token(int k, int s, int e) {
        kind = k;
        start = s;
        end = e;
        if (k != QUOTED && k != UNICODE_QUOTED) {
            pos = e; // a quoted identifier's extent is its content; quoted() moved past the closing quote
        }
        return k;
    }

    private int single(int k, int i) {
        return token(k, i, i + 1);
    }

    /** @return the index of the next character outside blanks and comments, or -1 for an unterminated comment */
    private int skipSpaceAndComments(int from) {
        int i = from;
        while (i < n) {
            char c = sql.charAt(i);
            if (space(c)) {
                i++;
            } else if (c == '-' && i + 1 < n && sql.charAt(i + 1) == '-') {
                i = lineEnd(i);
            } else if (c == '/' && i + 1 < n && sql.charAt(i + 1) == '*') {
                int depth = 1;
                i += 2;
                while (depth > 0) {
                    if (i + 1 >= n) {
                        return -1;
                    }
                    char d = sql.charAt(i);
                    if (d == '*' && sql.charAt(i + 1) == '/') {
                        depth--;
                        i += 2;
                    } else if (d == '/' && sql.charAt(i + 1) == '*') {
                        depth++;
                        i += 2;
                    } else {
                        i++;
                    }
                }
            } else {
                return i;
            }
        }
        return i;
    }

    private int lineEnd(int i) {
        while (i < n && sql.charAt(i) != '\n' && sql.charAt(i) != '\r') {
            i++;
        }
        return i;
    }

    /**
     * A string from its opening quote. Modes as in scan.l: 'q' standard, 'e' backslash escapes, 'b' bit or hex
     * (no escapes, no doubled quotes), 'u' Unicode (doubled quotes only).
     */
    private int string(int tokenStart, int quote, char mode) {
        int i = quote + 1;
        while (true) {
            if (i >= n) {
                return token(ERROR, tokenStart, n);
            }
            char c = sql.charAt(i);
            if (c == '\\' && mode == 'e') {
                i += 2;
            } else if (c == '\\' && mode == 'q') {
                backslashInStandardString = true;
                i++;
            } else if (c != '\'') {
                i++;
            } else if (mode != 'b' && i + 1 < n && sql.charAt(i + 1) == '\'') {
                i += 2;
            } else {
                int next = continuation(i + 1);
                if (next < 0) {
                    return token(STRING, tokenStart, i + 1);
                }
                if (mode != 'q') {
                    // pgjdbc reads the continued part as a new standard string, the server in the first one's mode
                    return token(ERROR, tokenStart, next);
                }
                i = next + 1;
            }
        }
    }

    /**
     * @return the index of the quote that continues a string closed just before {@code i} (only whitespace with at
     *     least one newline, and line comments, in between), or -1
     */
    private int continuation(int i) {
        boolean newline = false;
        while (i < n) {
            char c = sql.charAt(i);
            if (c == '\n' || c == '\r') {
                newline = true;
                i++;
            } else if (c == ' ' || c == '\t' || c == '\f') {
                i++;
            } else if (c == '-' && i + 1 < n && sql.charAt(i + 1) == '-') {
                i = lineEnd(i);
            } else {
                return newline && c == '\'' ? i : -1;
            }
        }
        return -1;
    }

    /** A quoted identifier whose content starts at {@code from}. */
    private int quoted(int tokenStart, int from, int k) {
        int i = from;
        while (true) {
            int q = sql.indexOf('"', i);
            if (q < 0) {
                return token(ERROR, tokenStart, n);
            }
            if (q + 1 < n && sql.charAt(q + 1) == '"') {
                doubled = true;
                i = q + 2;
            } else {
                pos = q + 1;
                return token(k, from, q);
            }
        }
    }

    private int dollar(int i) {
        if (i + 1 < n && digit(sql.charAt(i + 1))) {
            int e = i + 1;
            while (e < n && digit(sql.charAt(e))) {
                e++;
            }
            return token(PARAM, i, e);
        }
        int t = i + 1;
        if (t < n && identStart(sql.charAt(t))) {
            t++;
            while (t < n && identPart(sql.charAt(t)) && sql.charAt(t) != '$') {
                t++;
            }
        }
        if (t >= n || sql.charAt(t) != '$' || t - i > MAX_TAG) {
            return token(ERROR, i, i + 1); // "$", "$?" or "$tag" would become a dollar quote after pgjdbc's rewrite
        }
        String tag = sql.substring(i, t + 1); // the only allocation, for the rare dollar-quoted text
        int close = sql.indexOf(tag, t + 1);
        if (close < 0) {
            return token(ERROR, i, n);
        }
        return token(STRING, i, close + tag.length());
    }

    private int number(int i) {
        int e = i;
        while (e < n && digit(sql.charAt(e))) {
            e++;
        }
        if (e < n && sql.charAt(e) == '.' && !(e + 1 < n && sql.charAt(e + 1) == '.')) {
            e++;
            while (e < n && digit(sql.charAt(e))) {
                e++;
            }
        }
        if (e < n && (sql.charAt(e) == 'e' || sql.charAt(e) == 'E')) {
            int x = e + 1;
            if (x < n && (sql.charAt(x) == '+' || sql.charAt(x) == '-')) {
                x++;
            }
            if (x < n && digit(sql.charAt(x))) {
                e = x;
                while (e < n && digit(sql.charAt(e))) {
                    e++;
                }
            }
        }
        return token(NUMBER, i, e);
    }

    private int word(int i) {
        int e = i + 1;
        while (e < n && identPart(sql.charAt(e))) {
            e++;
        }
        char c = sql.charAt(i);
        if (e == i + 1 && e < n) {
            char q = sql.charAt(e);
            if (q == '\'') {
                switch (c) {
                    case 'e':
                    case 'E':
                        return string(i, e, 'e');
                    case 'n':
                    case 'N':
                        return string(i, e, backslashQuotes ? 'e' : 'q');
                    case 'b':
                    case 'B':
                    case 'x':
                    case 'X':
                        return string(i, e, 'b');
                    default:
                        break;
                }
            } else if ((c == 'u' || c == 'U') && q == '&' && e + 1 < n) {
                char r = sql.charAt(e + 1);
                if (r == '\'') {
                    return string(i, e + 1, 'u');
                }
                if (r == '"') {
                    return quoted(i, e + 2, UNICODE_QUOTED);
                }
            }
        }
        return token(WORD, i, e);
    }

    /** @return the extent of the current token's text as a string, for messages and tests only */
    String text() {
        return sql.substring(start, end);
    }

    static boolean space(char c) {
        // PostgreSQL 15: space, tab, LF, CR, FF; 16 added VT, which 15 rejects (so nothing runs): taken as space
        return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\u000b';
    }

    static boolean digit(char c) {
        return c >= '0' && c <= '9';
    }

    static boolean identStart(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c >= '\u0080';
    }

    static boolean identPart(char c) {
        return identStart(c) || digit(c) || c == '$';
    }
}
