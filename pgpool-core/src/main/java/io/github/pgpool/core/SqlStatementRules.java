package io.github.pgpool.core;

import static io.github.pgpool.core.SqlLexer.COMMA;
import static io.github.pgpool.core.SqlLexer.DOT;
import static io.github.pgpool.core.SqlLexer.EOF;
import static io.github.pgpool.core.SqlLexer.ERROR;
import static io.github.pgpool.core.SqlLexer.LBRACE;
import static io.github.pgpool.core.SqlLexer.LPAREN;
import static io.github.pgpool.core.SqlLexer.NUMBER;
import static io.github.pgpool.core.SqlLexer.OP;
import static io.github.pgpool.core.SqlLexer.PARAM;
import static io.github.pgpool.core.SqlLexer.QUOTED;
import static io.github.pgpool.core.SqlLexer.RBRACKET;
import static io.github.pgpool.core.SqlLexer.RPAREN;
import static io.github.pgpool.core.SqlLexer.SEMICOLON;
import static io.github.pgpool.core.SqlLexer.STRING;
import static io.github.pgpool.core.SqlLexer.UNICODE_QUOTED;
import static io.github.pgpool.core.SqlLexer.WORD;

/**
 * The rules {@link SqlClassifier} documents, applied to one reading of one text: walks the tokens statement by
 * statement and stops at the first sign that the session may change. Not thread-safe: one instance per
 * classification.
 */
final class SqlStatementRules extends SqlTokenWindow {
    private static final String[] HARMLESS_VERBS = {"select", "values", "table", "with", "insert", "update", "delete",
        "merge", "show", "notify", "truncate", "lock", "begin", "start", "commit", "end", "rollback", "abort",
        "savepoint", "release"};

    // Where in a statement the walk is.
    private static final int VERB = 0;
    private static final int EXPLAIN = 1;
    private static final int DECLARE = 2;
    private static final int SET = 3;
    private static final int SET_LOCAL = 4;
    private static final int SET_CONSTRAINTS = 5;
    private static final int REST_HARMLESS = 6;
    private static final int BODY = 7;

    // What a WITH list at one parenthesis depth expects.
    private static final byte NO_CTE = 0;
    private static final byte CTE_NAME = 1;
    private static final byte CTE_LIST = 2;
    private static final byte CTE_AFTER_BODY = 3;

    // Words that must follow the ")" of a pending "ON CONFLICT (" or MERGE's "INSERT (" for it not to be a call.
    private static final int FOLLOW_DO = 1;
    private static final int FOLLOW_VALUES = 2;
    private static final int FOLLOW_OVERRIDING = 4;

    /** Per parenthesis depth: the WITH list state, and whether the parenthesis that opened it is a CTE's body. */
    private final byte[] cte = new byte[SqlClassifier.MAX_DEPTH + 1];
    private final boolean[] cteBody = new boolean[SqlClassifier.MAX_DEPTH + 1];

    // The current statement.
    private int phase;
    private int depth;
    private boolean merge;
    private boolean write;
    private boolean pgSettings;
    private boolean explainOptionsPossible;
    private int pendingDepth = -1;
    private int pendingFollowers;
    private int awaitFollowers;
    private boolean cteBodyClosed;

    // The qualified name being read (a.b.c): its length so far and the tokens before its first part.
    private int chainParts;
    private boolean chainPgCatalog;
    private int beforeKind;
    private int beforeStart;
    private int beforeEnd;
    private int before2Kind;
    private int before2Start;
    private int before2End;

    SqlStatementRules(String sql, boolean standardConformingStrings) {
        super(sql, standardConformingStrings);
    }

    /** @return whether, read this way, the text may change the session */
    boolean mayChange() {
        fetch();
        while (true) {
            shift();
            if (kind == ERROR) {
                return true;
            }
            if (awaitFollowers != 0) {
                if (!follows(awaitFollowers)) {
                    return true; // "ON CONFLICT (" or "INSERT (" was a call after all
                }
                awaitFollowers = 0;
            }
            if (cteBodyClosed) {
                cteBodyClosed = false;
                cte[depth] = kind == COMMA ? CTE_NAME : NO_CTE;
            }
            if (kind == EOF || kind == SEMICOLON) {
                if (pgSettings && write) {
                    return true; // UPDATE pg_settings runs set_config through the view's rule
                }
                if (kind == EOF) {
                    return false;
                }
                newStatement();
            } else if (step()) {
                return true;
            }
        }
    }

    private void newStatement() {
        phase = VERB;
        depth = 0;
        cte[0] = NO_CTE;
        merge = false;
        write = false;
        pgSettings = false;
        pendingDepth = -1;
        chainParts = 0;
    }

    private boolean step() {
        if (kind != WORD && kind != QUOTED && kind != DOT) {
            chainParts = 0;
        }
        switch (phase) {
            case VERB:
                return verb();
            case EXPLAIN:
                if (explainOptionsPossible && kind == LPAREN) {
                    explainOptionsPossible = false;
                    return skipOptions();
                }
                explainOptionsPossible = false;
                if (kind == WORD && (is("analyze") || is("analyse") || is("verbose"))) {
                    return false;
                }
                phase = VERB;
                return verb();
            case DECLARE:
                if (kind == WORD && is("hold") && prevIsWord("with")) {
                    return true; // WITH HOLD: the cursor outlives the transaction
                }
                if (kind == WORD && is("for")) {
                    phase = VERB; // the cursor's query is judged like any statement
                }
                return false;
            case SET:
                if (kind == WORD && is("local")) {
                    phase = SET_LOCAL;
                    return false;
                }
                if (kind == WORD && is("constraints")) {
                    phase = SET_CONSTRAINTS;
                    return false;
                }
                return true; // SET TRANSACTION too: outside a transaction it still leaves a session-level value
            case SET_LOCAL:
                // "SET local.x", "SET local = ..." name a setting; "SET LOCAL a.b" defines a lasting placeholder
                if (namesSetting() || kind == QUOTED || kind == UNICODE_QUOTED || nextKind == DOT) {
                    return true;
                }
                phase = REST_HARMLESS;
                return false;
            case SET_CONSTRAINTS:
                if (namesSetting()) {
                    return true;
                }
                phase = REST_HARMLESS;
                return false;
            case REST_HARMLESS:
                return false;
            default:
                return body();
        }
    }

    /** After SET LOCAL or SET CONSTRAINTS: whether that word was the start of a setting's name. */
    private boolean namesSetting() {
        return kind == DOT || (kind == OP && sql.charAt(start) == '=') || (kind == WORD && is("to"));
    }

    private boolean verb() {
        if (kind == LPAREN) {
            return open();
        }
        if (kind != WORD) {
            return true;
        }
        for (String v : HARMLESS_VERBS) {
            if (is(v)) {
                phase = BODY;
                return body();
            }
        }
        if (is("explain")) {
            phase = EXPLAIN;
            explainOptionsPossible = true;
            return false;
        }
        if (is("declare")) {
            phase = DECLARE;
            return false;
        }
        if (is("set")) {
            phase = SET;
            return false;
        }
        return true;
    }

    private boolean skipOptions() {
        int open = 1;
        while (open > 0) {
            shift();
            if (kind == ERROR || kind == EOF || kind == SEMICOLON) {
                return true;
            }
            open += kind == LPAREN ? 1 : kind == RPAREN ? -1 : 0;
        }
        return false;
    }

    private boolean body() {
        switch (kind) {
            case LPAREN:
                return open();
            case RPAREN:
                return close();
            case WORD:
                return word();
            case QUOTED:
                if (!doubled && sql.startsWith("pg_settings", start) && end - start == 11) {
                    pgSettings = true;
                }
                return name();
            case UNICODE_QUOTED:
                return true; // its name is only known after decoding: U&"set\005fconfig" is set_config
            case LBRACE:
                return escape();
            default:
                return false;
        }
    }

    private boolean word() {
        if (is("into")) {
            return !(prevIsWord("insert") || prevIsWord("merge")); // SELECT ... INTO makes a table
        }
        if (is("with")) {
            if (!(nextKind == WORD && (at(nextStart, nextEnd, "ordinality") || at(nextStart, nextEnd, "time")
                    || at(nextStart, nextEnd, "ties")))) {
                cte[depth] = CTE_NAME; // a WITH list (not WITH ORDINALITY, WITH TIME ZONE, WITH TIES)
            }
            return false;
        }
        if (is("pg_settings")) {
            pgSettings = true;
        } else if (is("insert") || is("update") || is("delete")) {
            write = true;
        } else if (is("merge")) {
            write = true;
            merge = true;
        } else if (is("operator") && nextKind == LPAREN) {
            return true; // OPERATOR(schema.op) names any operator, and hides what follows its ")"
        }
        return name();
    }

    /** A part of a (qualified) name; decides when the name is complete and followed by "(". */
    private boolean name() {
        if (prevKind == DOT && chainParts > 0) {
            chainParts++;
        } else {
            chainParts = 1;
            chainPgCatalog = kind == WORD ? is("pg_catalog")
                    : !doubled && end - start == 10 && sql.startsWith("pg_catalog", start);
            beforeKind = prevKind;
            beforeStart = prevStart;
            beforeEnd = prevEnd;
            before2Kind = prev2Kind;
            before2Start = prev2Start;
            before2End = prev2End;
        }
        if (nextKind == DOT) {
            return false;
        }
        int parts = chainParts;
        chainParts = 0;
        if (parts == 1 && cte[depth] == CTE_NAME) {
            if (!(kind == WORD && is("recursive") && prevIsWord("with"))) {
                cte[depth] = CTE_LIST; // this was the CTE's name: a column list may follow
            }
            return false;
        }
        return nextKind == LPAREN && call(parts);
    }

    /** A complete name followed by "(": whether it calls a function that may change the session. */
    private boolean call(int parts) {
        boolean escape = beforeKind == WORD && at(beforeStart, beforeEnd, "fn") && before2Kind == LBRACE;
        boolean plain = kind == WORD;
        int bits = SqlNames.of(sql, start, end, plain);
        if (escape) {
            if (parts == 1 && plain && (bits & SqlNames.JDBC_ESCAPE_FUNCTION) != 0) {
                return false; // pgjdbc rewrites {fn ucase(x)} into a built-in
            }
        } else {
            if (beforeKind == RPAREN || beforeKind == RBRACKET) {
                return false; // f(x) alias(a, b), count(*) FILTER (...), OVER (...): never a call right after ")"
            }
            if (beforeIsWord("as")) {
                return false; // AS alias(a, b), AS varchar(10)
            }
            if (beforeIsWord("into") && before2Kind == WORD && at(before2Start, before2End, "insert")) {
                return false; // INSERT INTO t (a, b)
            }
        }
        if (parts > 2 || (parts == 2 && !chainPgCatalog) || (kind == QUOTED && doubled)) {
            return true;
        }
        if (plain && parts == 1 && !escape) {
            if ((bits & SqlNames.NEVER_FUNCTION) != 0) {
                return false; // IN (, VALUES (, CAST(, COALESCE(, EXISTS (: grammar, never a function
            }
            if ((bits & SqlNames.KEYWORD) != 0 && beforeIsOperand()) {
                return false; // x LIKE (...), t SET (a, b) = ...: a keyword right after an operand
            }
            if ((is("set") && beforeIsWord("update")) || (is("materialized") && cte[depth] == CTE_LIST)
                    || (is("sets") && beforeIsWord("grouping"))
                    || ((is("cube") || is("rollup")) && beforeIsWord("by") && before2Kind == WORD
                            && at(before2Start, before2End, "group"))) {
                return false;
            }
            if (is("conflict") && beforeIsWord("on")) {
                return pend(FOLLOW_DO);
            }
            if (is("insert") && merge && beforeIsWord("then")) {
                return pend(FOLLOW_VALUES | FOLLOW_OVERRIDING);
            }
        }
        return (bits & SqlNames.HARMLESS_FUNCTION) == 0;
    }

    /** Decides "name (" when its ")" is reached: only the given words may follow it. */
    private boolean pend(int followers) {
        if (pendingDepth >= 0) {
            return true;
        }
        pendingDepth = depth + 1;
        pendingFollowers = followers;
        return false;
    }

    private boolean follows(int followers) {
        return kind == WORD && (((followers & FOLLOW_DO) != 0 && is("do"))
                || ((followers & FOLLOW_VALUES) != 0 && is("values"))
                || ((followers & FOLLOW_OVERRIDING) != 0 && is("overriding")));
    }

    private boolean open() {
        if (depth >= SqlClassifier.MAX_DEPTH) {
            return true;
        }
        boolean body = cte[depth] == CTE_LIST && (prevIsWord("as") || prevIsWord("materialized"));
        depth++;
        cte[depth] = NO_CTE;
        cteBody[depth] = body;
        return false;
    }

    private boolean close() {
        if (depth == 0) {
            return true;
        }
        if (pendingDepth == depth) {
            awaitFollowers = pendingFollowers;
            pendingDepth = -1;
        }
        boolean body = cteBody[depth];
        depth--;
        if (body) {
            cte[depth] = CTE_AFTER_BODY;
            cteBodyClosed = true;
        }
        return false;
    }

    /** A JDBC escape: only the ones pgjdbc turns into harmless SQL. */
    private boolean escape() {
        return nextKind != WORD || !(at(nextStart, nextEnd, "fn") || at(nextStart, nextEnd, "d")
                || at(nextStart, nextEnd, "t") || at(nextStart, nextEnd, "ts") || at(nextStart, nextEnd, "oj")
                || at(nextStart, nextEnd, "escape"));
    }

    private boolean beforeIsOperand() {
        switch (beforeKind) {
            case NUMBER:
            case STRING:
            case PARAM:
            case QUOTED:
                return true;
            case WORD:
                return (SqlNames.of(sql, beforeStart, beforeEnd, true) & SqlNames.KEYWORD) == 0;
            default:
                return false;
        }
    }

    private boolean beforeIsWord(String lowerWord) {
        return beforeKind == WORD && at(beforeStart, beforeEnd, lowerWord);
    }
}
