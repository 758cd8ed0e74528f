package io.github.pgpool.core;

/**
 * Finds, in a statement text that may change the session, what even {@code DISCARD ALL} does not undo, so that the
 * pool closes such a connection on return instead of resetting it: {@code LOAD} (the library stays loaded),
 * {@code setseed(...)} (the next borrower's {@code random()} would repeat a sequence the previous one chose) and
 * dblink's {@code dblink_connect(...)} / {@code dblink_connect_u(...)} (the named connection stays open, under the
 * previous borrower's rights).
 *
 * <p>Errs on "lasting" like the classifier errs on "may change": a needless close costs one reconnect, a missed one
 * leaks state. Not seen: what functions do inside (a user function that calls setseed), and a name spelled as a
 * {@code U&""} identifier (which the classifier already counts as a change, so the session is still reset; only
 * the seed or library would outlive it). Not thread-safe: one instance per text.
 */
final class SqlLastingEffects extends SqlTokenWindow {
    private static final String[] LASTING_CALLS = {"setseed", "dblink_connect", "dblink_connect_u"};

    private SqlLastingEffects(String sql, boolean standardConformingStrings) {
        super(sql, standardConformingStrings);
    }

    /** @return whether running {@code sql} may leave state behind that {@code DISCARD ALL} does not undo */
    static boolean in(String sql) {
        SqlLastingEffects standard = new SqlLastingEffects(sql, true);
        if (standard.found()) {
            return true;
        }
        // As in SqlClassifier: a backslash in a '' string makes the two readings differ; judge the other one too.
        return standard.backslashInStandardString() && new SqlLastingEffects(sql, false).found();
    }

    private boolean found() {
        fetch();
        boolean statementStart = true;
        while (true) {
            shift();
            switch (kind) {
                case SqlLexer.EOF:
                case SqlLexer.ERROR: // PostgreSQL rejects what it cannot read: nothing ran
                    return false;
                case SqlLexer.WORD:
                case SqlLexer.QUOTED:
                    if (statementStart && kind == SqlLexer.WORD && is("load")
                            || nextKind == SqlLexer.LPAREN && isOneOf(LASTING_CALLS)) {
                        return true;
                    }
                    break;
                default:
                    break;
            }
            statementStart = kind == SqlLexer.SEMICOLON;
        }
    }

    private boolean isOneOf(String[] lowerWords) {
        for (String w : lowerWords) {
            if (is(w)) {
                return true;
            }
        }
        return false;
    }
}
