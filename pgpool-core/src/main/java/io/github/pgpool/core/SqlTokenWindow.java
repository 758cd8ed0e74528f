package io.github.pgpool.core;

/**
 * A window over {@link SqlLexer}'s tokens for rules that look around: the current token, the two before it and the
 * next one, with ASCII-only keyword comparison as PostgreSQL folds keywords. Not thread-safe: one instance per
 * classification.
 */
abstract class SqlTokenWindow {
    final String sql;
    private final SqlLexer lexer;

    int kind = -1;
    int start;
    int end;
    /** Whether the current quoted identifier holds a doubled quote. */
    boolean doubled;
    int prevKind = -1;
    int prevStart;
    int prevEnd;
    int prev2Kind = -1;
    int prev2Start;
    int prev2End;
    int nextKind;
    int nextStart;
    int nextEnd;
    private boolean nextDoubled;

    SqlTokenWindow(String sql, boolean standardConformingStrings) {
        this.sql = sql;
        this.lexer = new SqlLexer(sql, standardConformingStrings);
    }

    /** @return whether this reading of the text had a backslash inside a standard {@code ''} string */
    final boolean backslashInStandardString() {
        return lexer.backslashInStandardString;
    }

    /** Reads the first token into the lookahead; call once before {@link #shift()}. */
    final void fetch() {
        nextKind = lexer.next();
        nextStart = lexer.start;
        nextEnd = lexer.end;
        nextDoubled = lexer.doubled;
    }

    /** Moves the window one token on; nothing is read past an error or the end. */
    final void shift() {
        prev2Kind = prevKind;
        prev2Start = prevStart;
        prev2End = prevEnd;
        prevKind = kind;
        prevStart = start;
        prevEnd = end;
        kind = nextKind;
        start = nextStart;
        end = nextEnd;
        doubled = nextDoubled;
        if (kind != SqlLexer.ERROR && kind != SqlLexer.EOF) {
            fetch();
        }
    }

    /** @return whether the current token is the keyword {@code lowerWord} */
    final boolean is(String lowerWord) {
        return at(start, end, lowerWord);
    }

    final boolean prevIsWord(String lowerWord) {
        return prevKind == SqlLexer.WORD && at(prevStart, prevEnd, lowerWord);
    }

    /** ASCII-only case folding, as PostgreSQL does for keywords (Java's would match "ſet" to "set"). */
    final boolean at(int s, int e, String lowerWord) {
        if (e - s != lowerWord.length()) {
            return false;
        }
        for (int i = 0; i < lowerWord.length(); i++) {
            if (SqlNames.lower(sql.charAt(s + i)) != lowerWord.charAt(i)) {
                return false;
            }
        }
        return true;
    }
}
