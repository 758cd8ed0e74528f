package io.github.pgpool.core;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SqlClassifierTest {
    @ParameterizedTest
    @ValueSource(strings = {"SELECT * FROM t WHERE id = ?", "  select 1", "insert into t values (?)",
        "UPDATE t SET a = 1", "delete from t", "WITH x AS (SELECT 1) SELECT * FROM x", "-- note\nSELECT 1",
        "/* hint */ SELECT 1", "(SELECT 1) UNION (SELECT 2)", "BEGIN", "commit", "SELECT 1;", "SELECT 1; "})
    void plainDataStatementsLeaveNoSessionState(String sql) {
        assertThat(SqlClassifier.mayChangeSession(sql)).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"SET search_path TO x", "set role other", "SET SESSION AUTHORIZATION x", "RESET ALL",
        "CREATE TEMP TABLE t (a int)", "PREPARE p AS SELECT 1", "LISTEN channel", "DECLARE c CURSOR WITH HOLD FOR SELECT 1",
        "SELECT pg_advisory_lock(1)", "select pg_try_advisory_lock(1)", "SELECT set_config('search_path', 'x', false)",
        "SELECT 1; SET search_path TO x", "DO $$ BEGIN PERFORM 1; END $$", "CALL proc()", "SELECT * INTO TEMP t FROM x",
        "LOAD 'plugin'", "DISCARD ALL"})
    void statementsThatMayChangeTheSessionAreNoticed(String sql) {
        assertThat(SqlClassifier.mayChangeSession(sql)).isTrue();
    }
}
