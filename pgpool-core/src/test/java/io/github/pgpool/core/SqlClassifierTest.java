package io.github.pgpool.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The classifier and its lexer on their own, no database: grammar corners, pathological texts. */
class SqlClassifierTest {
    @ParameterizedTest
    @ValueSource(strings = {"SELECT * FROM t WHERE id = ?", "  select 1", "insert into t values (?)",
        "UPDATE t SET a = 1", "delete from t", "WITH x AS (SELECT 1) SELECT * FROM x", "-- note\nSELECT 1",
        "/* hint */ SELECT 1", "(SELECT 1) UNION (SELECT 2)", "BEGIN", "commit", "SELECT 1;", "SELECT 1; ", "", " ",
        ";", ";;", "-- only a comment", "/* only /* a */ comment */",
        // what JPA/Hibernate send
        "select p1_0.id,p1_0.name,p1_0.version from person p1_0 where p1_0.id=?",
        "insert into person (name,version,id) values (?,?,?)",
        "update person set name=?,version=? where id=? and version=?",
        "select count(*) from person p1_0 where lower(p1_0.name) like lower(?) escape ''",
        "select p1_0.id from person p1_0 order by p1_0.name offset ? rows fetch first ? rows only",
        "select p1_0.id from person p1_0 where p1_0.id=? for update skip locked",
        "select exists(select 1 from person where id = ?)",
        "SELECT * FROM t WHERE id = ANY (?) AND b IN (SELECT b FROM u)",
        "SELECT coalesce(max(id), 0), nullif(a, ''), greatest(1, 2), now(), current_timestamp(3), current_date FROM t",
        "SELECT date_trunc('day', d), extract(epoch from d), trim(both ' ' from s), position('a' in s), "
                + "substring(s from 1 for 2), overlay(s placing 'x' from 1), to_char(d, 'YYYY') FROM t",
        "SELECT CAST(? AS varchar(255)), ?::numeric(10, 2), interval '1 day', timestamp(3) '2020-01-01'",
        "SELECT left(s, 1), right(s, 2), current_schema(), version(), gen_random_uuid(), md5(?)",
        "SELECT pg_catalog.lower(?), \"lower\"(?), PG_CATALOG . \"upper\" /* c */ (?)",
        "SELECT currval('s'), lastval(), pg_advisory_xact_lock(1), pg_try_advisory_xact_lock(2)",
        // grammar that looks like a call but is not
        "INSERT INTO s.t (a, b) VALUES (1, 2)", "INSERT INTO t AS x (a) VALUES (1)",
        "INSERT INTO \"T\" (\"a\") SELECT 1",
        "INSERT INTO t (a, b) VALUES (?, ?) ON CONFLICT (a) DO UPDATE SET b = excluded.b",
        "INSERT INTO t VALUES (1) ON CONFLICT ((lower(b))) DO NOTHING",
        "WITH RECURSIVE r (n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 3) SELECT count(*) FROM r",
        "WITH x (a) AS (SELECT 1), y (b) AS MATERIALIZED (SELECT 2) SELECT * FROM x, y",
        "WITH x AS NOT MATERIALIZED (SELECT 1) SELECT * FROM x",
        "WITH d AS (DELETE FROM t RETURNING *) INSERT INTO u SELECT * FROM d",
        "SELECT g.n FROM generate_series(1, 3) AS g(n)", "SELECT u.x FROM unnest(?) u(x)",
        "SELECT * FROM (VALUES (1)) v (a)",
        "SELECT * FROM unnest(?) WITH ORDINALITY AS t(x, n)",
        "SELECT row_number() OVER (PARTITION BY a ORDER BY b), count(*) FILTER (WHERE a > 0) FROM t GROUP BY a",
        "SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY a) FROM t", "SELECT a FROM t GROUP BY ROLLUP (a)",
        "SELECT a FROM t GROUP BY GROUPING SETS ((a), ())", "UPDATE t SET (a, b) = (1, upper(b)) WHERE id = ?",
        "MERGE INTO t USING s ON t.id = s.id WHEN MATCHED THEN UPDATE SET a = s.a "
                + "WHEN NOT MATCHED THEN INSERT (id, a) VALUES (s.id, s.a)",
        "MERGE INTO t USING s ON true WHEN NOT MATCHED THEN INSERT (id) OVERRIDING SYSTEM VALUE VALUES (1)",
        "SELECT a LIKE (b), s ILIKE (?), x SIMILAR TO (y) FROM t",
        "SELECT * FROM t TABLESAMPLE system (10) REPEATABLE (1)",
        "SELECT ARRAY(SELECT 1), ROW(1, 2), '{1,2}'::int[] @> ARRAY[1]",
        // literals and comments that hold what would otherwise count
        "SELECT $$;SET search_path = x;$$", "SELECT $a$ $$ ; SET x = 1; $a$", "SELECT 'a;b', E'\\';', \"x;y\" FROM t",
        "SELECT 'set_config(''a'', ''b'', false)'", "SELECT 1 -- ; SET x = 1\r\n",
        "/* a /* SET x = 1; */ c */ SELECT 1",
        "SELECT 'a'\n'b'", "SELECT 'a' -- c\n 'b'", "SELECT U&'d!0061t' UESCAPE '!', B'101', X'1F', N'x'",
        "SELECT 1e5, .5, 1.5e-3, 0x1F, a$b, \"a\"\"b\" FROM t", "SELECT ? ?? 'key', ?::jsonb ->> 'a'",
        // JDBC escapes pgjdbc turns into built-ins
        "SELECT {fn ucase(?)}, {fn abs(-1)}, {d '2020-01-01'}, {ts '2020-01-01 00:00:00'}",
        "SELECT * FROM {oj t LEFT OUTER JOIN u ON u.id = t.id} WHERE a LIKE ? {escape '!'}",
        // statements that end with the transaction the pool ends
        "BEGIN; SELECT 1; COMMIT", "START TRANSACTION ISOLATION LEVEL SERIALIZABLE", "SAVEPOINT a",
        "RELEASE SAVEPOINT a",
        "ROLLBACK TO SAVEPOINT a", "SET LOCAL search_path = x", "set local statement_timeout to '5s'",
        "SET LOCAL ROLE other", "SET CONSTRAINTS ALL DEFERRED", "DECLARE c CURSOR FOR SELECT 1",
        "DECLARE c NO SCROLL CURSOR WITHOUT HOLD FOR SELECT * FROM t", "SHOW search_path", "NOTIFY c, 'x'",
        "LOCK TABLE t IN SHARE MODE", "TRUNCATE t", "TABLE t", "VALUES (1), (2)", "COMMIT PREPARED 'x'",
        "EXPLAIN SELECT 1", "EXPLAIN ANALYZE VERBOSE SELECT 1", "EXPLAIN (ANALYZE, BUFFERS) SELECT count(*) FROM t",
        "SELECT * FROM pg_settings WHERE name = 'update'"})
    void plainDataStatementsLeaveNoSessionState(String sql) {
        assertThat(SqlClassifier.mayChangeSession(sql)).as(sql).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"SET search_path TO x", "set role other", "SET SESSION AUTHORIZATION x", "RESET ALL",
        "CREATE TEMP TABLE t (a int)", "PREPARE p AS SELECT 1", "LISTEN channel",
        "DECLARE c CURSOR WITH HOLD FOR SELECT 1",
        "SELECT pg_advisory_lock(1)", "select pg_try_advisory_lock(1)", "SELECT set_config('search_path', 'x', false)",
        "SELECT 1; SET search_path TO x", "DO $$ BEGIN PERFORM 1; END $$", "CALL proc()", "SELECT * INTO TEMP t FROM x",
        "LOAD 'plugin'", "DISCARD ALL", "UNLISTEN *", "DEALLOCATE ALL", "COPY t TO STDOUT", "CREATE TABLE t (a int)",
        "VACUUM t", "ANALYZE t", "PREPARE TRANSACTION 'x'", "SET TRANSACTION ISOLATION LEVEL SERIALIZABLE",
        "SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY", "SET local.x = 1", "SET LOCAL a.b = 1",
        "SET transaction.x = 1", "SET LOCAL \"a.b\" = 1", "SET LOCAL = 1", "set constraints.x to 1",
        // the reproduced leaks
        "UPDATE pg_settings SET setting = 'x' WHERE name = 'search_path'",
        "update PG_CATALOG.\"pg_settings\" set setting = 'x'",
        "WITH u AS (UPDATE pg_settings SET setting = 'x' RETURNING 1) SELECT * FROM u",
        "-- c\rSET search_path = x", "-- c\r\nSET search_path = x", "/* a /* b */ c */ SET search_path = x",
        "SELECT U&\"set\\005fconfig\"('search_path', 'x', false)", "SELECT U&\"x\" FROM t",
        "SELECT 1 AS x\nINTO TEMP t", "SELECT 1 AS x\tINTO t", "SELECT a/**/INTO t FROM u",
        "WITH a AS (SELECT 1) SELECT * INTO TEMP t FROM a", "EXPLAIN ANALYZE CREATE TEMP TABLE t AS SELECT 1",
        "EXPLAIN (ANALYZE, COSTS OFF) SELECT 1 INTO TEMP t", "SELECT nextval('s')", "select NEXTVAL(?)",
        "SELECT setval('s', 42)", "INSERT INTO t VALUES (nextval('s'))",
        // calls that may run SET: every non-built-in function
        "SELECT pg_catalog.set_config('a', 'b', false)", "SELECT \"set_config\"('a', 'b', false)",
        "SELECT PG_CATALOG . SET_CONFIG /* */ ('a', 'b', false)", "SELECT f()", "SELECT myschema.f(1)",
        "SELECT a.b.c()", "SELECT other.lower('x')", "SELECT \"LOWER\"('x')", "SELECT \"low\"\"er\"('x')",
        "SELECT * FROM t WHERE x = f(1)", "SELECT (1) + f(2)", "SELECT 1 OPERATOR(pg_catalog.+) f(2)",
        "SELECT 1 OPERATOR(pg_catalog.+) 2", "SELECT * FROM f(x) g(y)", "SELECT * FROM t, LATERAL f(x) AS g(y)",
        "SELECT count(*) OVER (ORDER BY f(x)) FROM t", "SELECT count(*) FILTER (WHERE f(x)) FROM t",
        "WITH x AS (SELECT 1) SELECT a, f(b) AS c FROM x", "WITH x (a) AS (SELECT f(1)) SELECT 1",
        "SELECT a, set(1)", "UPDATE t SET a = 1 RETURNING set(1)", "SELECT x FROM t JOIN u ON conflict(x)",
        "INSERT INTO t SELECT * FROM a JOIN b ON conflict(a.x) WHERE true",
        "MERGE INTO t USING s ON true WHEN MATCHED AND CASE WHEN x THEN insert(1) END THEN DELETE",
        "SELECT {fn f(1)}", "SELECT {fn conflict(1)}", "{call f(?)}", "{? = call f(?)}", "{limit 1}",
        "SELECT query_to_xml('select 1', false, false, '')", "SELECT * FROM ts_stat('select 1')", "SELECT setseed(0.5)",
        "SELECT dblink_connect('x')", "SELECT uuid_generate_v4()", "SELECT \u017fet_config('a', 'b', false)",
        "SELECT grouping(a), cube(a) FROM t", "SELECT a FROM t ORDER BY cube(a)",
        // texts whose reading is in doubt
        "SELECT '\\'; SET search_path = x; --'", "SELECT 'a\\''; SET search_path = x; --'",
        "SELECT N'a\\''; SET search_path = x; --'", "SELECT E'\\\\'; SET x = 1", "SELECT $a$ $$ ; $a$; SET x = 1",
        "SELECT 1 AS a$b$; SET x = 1", "SELECT E'a'\n'b'", "SELECT B'1'\n'0'", "SELECT 'unterminated",
        "SELECT \"unterminated", "SELECT 1 /* unterminated", "SELECT $$ unterminated", "SELECT $t$ x $t", "SELECT $",
        "SELECT $?$ , 1 , $$", "SELECT $a?", "SELECT 1)", "EXPLAIN (ANALYZE; SET x = 1",
        "INSERT INTO t VALUES (1) ON CONFLICT (a) WHERE a > 0 DO NOTHING",
        "SELECT 1 FROM t WHERE a IN (SELECT b INTO x FROM u)",
        "INSERT INTO t SELECT 1 INTO x", "DECLARE c CURSOR FOR SELECT nextval('s')", "EXPLAIN SELECT nextval('s')",
        "SELECT\u00a0set_config('a', 'b', false)", "\u017fELECT 1", "SELECT 1; \u000bSET x = 1"})
    void statementsThatMayChangeTheSessionAreNoticed(String sql) {
        assertThat(SqlClassifier.mayChangeSession(sql)).as(sql).isTrue();
    }

    @Test
    void tooDeeplyNestedParenthesesCountAsMayChange() {
        assertThat(SqlClassifier.classify("SELECT " + "(".repeat(200) + "1" + ")".repeat(200))).isFalse();
        assertThat(SqlClassifier.classify("SELECT " + "(".repeat(201) + "1" + ")".repeat(201))).isTrue();
    }

    @Test
    void pathologicalTextsAreJudgedInOnePass() {
        // Each would take hours if any step were quadratic; linear, they take milliseconds.
        int mb = 1 << 20;
        assertThat(SqlClassifier.classify("/*".repeat(mb / 2))).isTrue();
        assertThat(SqlClassifier.classify("/*".repeat(mb / 2) + "*/".repeat(mb / 2) + " SELECT 1")).isFalse();
        assertThat(SqlClassifier.classify("SELECT '" + "''".repeat(mb / 2))).isTrue();
        assertThat(SqlClassifier.classify("SELECT \"" + "\"\"".repeat(mb / 2))).isTrue();
        assertThat(SqlClassifier.classify("SELECT E'" + "\\'".repeat(mb / 2))).isTrue();
        assertThat(SqlClassifier.classify("SELECT $a$" + "$b".repeat(mb / 2))).isTrue();
        assertThat(SqlClassifier.classify("SELECT $" + "a".repeat(mb) + "$ x")).isTrue();
        assertThat(SqlClassifier.classify("SELECT 'a'" + "\n".repeat(mb) + "x")).isFalse();
        assertThat(SqlClassifier.classify("SELECT " + "a, ".repeat(mb / 3) + "1")).isFalse();
        assertThat(SqlClassifier.classify("SELECT '" + "\\".repeat(mb) + "'")).isFalse();
        assertThat(SqlClassifier.classify("SELECT " + "-- c\r".repeat(mb / 5) + "1")).isFalse();
        assertThat(SqlClassifier.mayChangeSession("SELECT " + "lower(".repeat(150) + "'x'" + ")".repeat(150)))
                .isFalse();
    }

    @Test
    void lexerFindsTokensAsPostgreSqlDoes() {
        assertThat(tokens("SELECT a$b, $1, ?, .5, 1e3x", true))
                .containsExactly("WORD SELECT", "WORD a$b", ",", "PARAM $1", ",", "OP ?", ",", "NUMBER .5", ",",
                        "NUMBER 1e3", "WORD x");
        assertThat(tokens("-- c\rx /* a /* b */ c */ y", true)).containsExactly("WORD x", "WORD y");
        assertThat(tokens("e'\\'' n'x' b'1' X'F' u&'\\0061' U&\"i\" \"q\"\"q\"", true))
                .containsExactly("STRING e'\\''", "STRING n'x'", "STRING b'1'", "STRING X'F'", "STRING u&'\\0061'",
                        "UNICODE_QUOTED i", "QUOTED q\"\"q");
        assertThat(tokens("$$a$b$$ $x$ $$ $x$ $x", true)).containsExactly("STRING $$a$b$$", "STRING $x$ $$ $x$",
        "ERROR $");
        assertThat(tokens("'a'\n  'b' 'c'", true)).containsExactly("STRING 'a'\n  'b'", "STRING 'c'");
        assertThat(tokens("'a\\' x", true)).containsExactly("STRING 'a\\'", "WORD x");
        assertThat(tokens("'a\\' x'", false)).containsExactly("STRING 'a\\' x'");
        assertThat(tokens("x\u00a0y\u000bz", true)).containsExactly("WORD x\u00a0y", "WORD z");
    }

    @Test
    void aBackslashInAStandardStringIsJudgedBothWays() {
        SqlLexer standard = new SqlLexer("SELECT '\\'", true);
        while (standard.next() > SqlLexer.ERROR) {
            // read all
        }
        assertThat(standard.backslashInStandardString).isTrue();
        SqlLexer escaped = new SqlLexer("SELECT E'\\'' ", true);
        while (escaped.next() > SqlLexer.ERROR) {
            // read all
        }
        assertThat(escaped.backslashInStandardString).isFalse();
    }

    @Test
    void theMemoRemembersAnswersForTheSameText() {
        String sql = "SELECT 'memo-" + System.nanoTime() + "'";
        assertThat(SqlClassifier.mayChangeSession(sql)).isFalse();
        int held = SqlClassifier.remembered();
        assertThat(SqlClassifier.mayChangeSession(new String(sql))).isFalse();
        assertThat(SqlClassifier.remembered()).isEqualTo(held);
        assertThat(SqlClassifier.mayChangeSession(null)).isTrue();
    }

    @Test
    void theMemoStaysBoundedAndStartsOverWhenFull() {
        for (int i = 0; i < 10_000; i++) {
            SqlClassifier.mayChangeSession("SELECT * FROM t WHERE id = " + i); // literals: a new text every time
            assertThat(SqlClassifier.remembered()).isLessThanOrEqualTo(4096);
        }
        String hot = "SELECT name FROM t WHERE id = ?";
        SqlClassifier.mayChangeSession(hot);
        assertThat(SqlClassifier.remembers(hot)).as("a text first used after the memo filled up").isTrue();
        String huge = "SELECT '" + "x".repeat(100_000) + "'";
        assertThat(SqlClassifier.mayChangeSession(huge)).isFalse();
        assertThat(SqlClassifier.remembers(huge)).as("a 100 K text is judged, not remembered").isFalse();
    }

    private static List<String> tokens(String sql, boolean standardConformingStrings) {
        String[] names = {"EOF", "ERROR", "WORD", "QUOTED", "UNICODE_QUOTED", "STRING", "NUMBER", "PARAM", "(", ")",
        "[",
            "]", ",", ";", ".", "{", "}", "OP"};
        SqlLexer lexer = new SqlLexer(sql, standardConformingStrings);
        List<String> out = new ArrayList<>();
        for (int k = lexer.next(); k != SqlLexer.EOF; k = lexer.next()) {
            String name = names[k];
            out.add(name.length() == 1 ? name : name + " " + lexer.text());
            if (k == SqlLexer.ERROR) {
                break;
            }
        }
        return out;
    }
}
