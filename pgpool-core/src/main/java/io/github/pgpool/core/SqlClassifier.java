package io.github.pgpool.core;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Tells from a statement's text whether running it may leave session state behind, so that the pool runs
 * {@code DISCARD ALL} on return only when that can matter. The text is read by {@link SqlLexer}, PostgreSQL's own
 * token rules, and judged statement by statement (a text may hold several, separated by {@code ;}). When unsure it
 * says "may change". The rules:
 * <ul>
 * <li>Harmless only: SELECT, VALUES, TABLE, WITH, INSERT, UPDATE, DELETE, MERGE, SHOW, NOTIFY, TRUNCATE, LOCK,
 *     transaction control (BEGIN, START, COMMIT, END, ROLLBACK, ABORT, SAVEPOINT, RELEASE), EXPLAIN of a harmless
 *     statement (with or without options or ANALYZE), DECLARE of a cursor without HOLD over a harmless query (it
 *     dies with the transaction, which the pool ends), SET LOCAL of a built-in setting (a custom, dotted one
 *     defines a placeholder that outlives the transaction) and SET CONSTRAINTS. Every other statement may change
 *     the session: SET (SET TRANSACTION too: outside a transaction it leaves a session-level value behind), RESET,
 *     DISCARD, PREPARE, DEALLOCATE, DECLARE ... WITH HOLD, LISTEN,
 *     UNLISTEN, LOAD, DO, CALL, CREATE (TEMP), COPY, all DDL and anything not recognised.</li>
 * <li>Inside a harmless statement: {@code INTO} not directly after INSERT or MERGE ({@code SELECT ... INTO} creates
 *     a table, maybe a temporary one); a write (INSERT, UPDATE, DELETE, MERGE anywhere in it) that names
 *     {@code pg_settings}, whose update rule calls set_config; {@code OPERATOR(...)}; any {@code U&""} identifier;
 *     JDBC escapes other than {@code {fn}}, {@code {d}}, {@code {t}}, {@code {ts}}, {@code {oj}} and
 *     {@code {escape}} (so {@code {call}} counts).</li>
 * <li>Function calls: a name followed by {@code (} is a call unless PostgreSQL's grammar makes it something else
 *     (a reserved or column-name keyword such as IN, VALUES, CAST, COALESCE; a column list after INSERT INTO, a CTE
 *     name, {@code AS}, a MERGE INSERT or ON CONFLICT; an alias or OVER/FILTER right after {@code )}). A call is
 *     harmless only if its name, unqualified or qualified with {@code pg_catalog}, is one of PostgreSQL's built-in
 *     functions known to leave no state ({@code pg-names.txt}: every pg_catalog function except nextval, setval,
 *     set_config, setseed, session advisory locks, backups, temporary replication slots, replication origin
 *     sessions and the functions that run a query string), or a {@code {fn}} name pgjdbc translates. Calls of any
 *     other function (user-defined or from an extension, in any schema) may change the session, since a function
 *     can run SET. currval and lastval only read sequence state, so they count as harmless.</li>
 * <li>Texts the lexer cannot read (unterminated quotes or comments, more than 200 nested parentheses, a stray
 *     {@code $}, a continued non-standard string) may change the session. A text whose {@code ''} strings hold a
 *     backslash is judged twice, as with standard_conforming_strings on and off, and the worse answer counts.</li>
 * </ul>
 *
 * <p>A text that may change the session is also searched for what {@code DISCARD ALL} cannot undo (LOAD, setseed,
 * dblink connections: {@link SqlLastingEffects}); a connection that ran one is closed on return instead of reset.
 *
 * <p>Not visible in the text, so not detected with {@code SessionReset=detect}: what the database runs by itself.
 * Column defaults (a serial or identity column's nextval leaves currval/lastval set), triggers, rules, views, row
 * security policies, constraints, generated columns and index expressions that call functions, user-defined
 * operators and casts, functions called with field notation ({@code t.f}), and user functions that overload a
 * built-in name for other argument types. Applications whose database does that set {@code SessionReset=always}.
 *
 * <p>Called for every statement text an application runs: linear time, no regular expressions, allocation only on
 * a cache miss (a lexer and small state arrays). Answers are remembered for up to 4096 texts of up to 64 K
 * characters each and 4 M in all; when the memo is full it starts over (racing threads may overshoot the bounds by
 * a few entries until the next start). Lock-free and thread-safe: the memo is a concurrent map, all else is per call.
 */
final class SqlClassifier {
    private static final int MAX_REMEMBERED = 4096;
    private static final long MAX_REMEMBERED_CHARS = 4L << 20;
    private static final int MAX_REMEMBERED_LENGTH = 64 << 10;
    private static final ConcurrentHashMap<String, Byte> REMEMBERED = new ConcurrentHashMap<>();
    private static final AtomicLong REMEMBERED_CHARS = new AtomicLong();

    static final int MAX_DEPTH = 200;

    private SqlClassifier() {
    }

    /** Running the text leaves no session state behind. */
    static final byte HARMLESS = 0;
    /** It may change session state that {@code DISCARD ALL} undoes. */
    static final byte RESETTABLE = 1;
    /** It may leave state that {@code DISCARD ALL} does not undo ({@link SqlLastingEffects}): close, do not reset. */
    static final byte LASTING = 2;

    /** @return whether running {@code sql} may change session state that must not reach the next borrower */
    static boolean mayChangeSession(String sql) {
        return verdict(sql) != HARMLESS;
    }

    /** @return {@link #HARMLESS}, {@link #RESETTABLE} or {@link #LASTING}, remembered for texts seen before */
    static byte verdict(String sql) {
        if (sql == null) {
            return RESETTABLE;
        }
        Byte known = REMEMBERED.get(sql);
        if (known != null) {
            return known;
        }
        byte answer = !classify(sql) ? HARMLESS : SqlLastingEffects.in(sql) ? LASTING : RESETTABLE;
        int length = sql.length();
        if (length <= MAX_REMEMBERED_LENGTH) {
            if (REMEMBERED.size() >= MAX_REMEMBERED || REMEMBERED_CHARS.get() + length > MAX_REMEMBERED_CHARS) {
                // Full (an application that inlines literals makes a new text per statement): start over, so
                // that the texts in use come back at once instead of never being remembered again.
                REMEMBERED.clear();
                REMEMBERED_CHARS.set(0);
            }
            if (REMEMBERED.putIfAbsent(sql, answer) == null) {
                REMEMBERED_CHARS.addAndGet(length);
            }
        }
        return answer;
    }

    /** @return how many answers the memo holds (for tests) */
    static int remembered() {
        return REMEMBERED.size();
    }

    /** @return whether the memo holds the answer for {@code sql} (for tests) */
    static boolean remembers(String sql) {
        return REMEMBERED.containsKey(sql);
    }

    /** @return the answer without the memo (for tests and measurements) */
    static boolean classify(String sql) {
        SqlStatementRules standard = new SqlStatementRules(sql, true);
        if (standard.mayChange()) {
            return true;
        }
        // Only a backslash inside a '' string makes the two readings differ: judge the other one too.
        return standard.backslashInStandardString() && new SqlStatementRules(sql, false).mayChange();
    }
}
