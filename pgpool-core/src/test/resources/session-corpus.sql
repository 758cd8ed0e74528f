# Corpus of SessionStateDifferentialTest: statements run on a fresh PostgreSQL session in autocommit, through
# pgjdbc's prepareStatement + execute, with the session's fingerprint (SessionFingerprint) read before and after.
#
# Format:
# - A line starting with '#' is a comment, anywhere (so no entry line may start with '#').
# - A line '--- <kind> <name> [options]' starts an entry; the lines up to the next '--- ' line are its text
#   (trailing whitespace dropped). Options: params=v1|v2 binds the ? placeholders in order as untyped values (the
#   server infers the type; no spaces); scs=off runs it on sessions with standard_conforming_strings off.
# - In an entry's text <<CR>> <<LF>> <<TAB>> <<FF>> <<VT>> <<NBSP>> stand for those characters.
# - Kinds:
#   setup     run once by the admin in the test database before anything else
#   gucs      names of custom settings the fingerprint reads (pg_settings does not list placeholders)
#   leak      must change a fresh session's fingerprint; the classifier must say "may change"
#   harmless  must leave the session unchanged and be classified harmless (a DISCARD ALL would be wasted)
#   probe     no expectation of its own: if it changes the session, the classifier must say "may change"
#   opaque    changes the session through database objects (triggers, defaults, views) that the SQL text does not
#             show: documented limitation of SessionReset=detect, reported but not asserted
# Every leak, harmless, probe and opaque entry also runs as generated variants (SessionCorpus.variants).
# Names of objects start with h1_ (the test database is pgpool_h1_sql, created anew for each run).

--- setup sequences
CREATE SEQUENCE h1_s
--- setup sequence2
CREATE SEQUENCE h1_s2
--- setup table
CREATE TABLE h1_t (a int PRIMARY KEY, b text)
--- setup rows
INSERT INTO h1_t VALUES (1, 'one'), (2, 'two'), (3, 'three')
--- setup person
CREATE TABLE h1_person (id bigint PRIMARY KEY, name varchar(255), created timestamptz DEFAULT now(), version int)
--- setup person-rows
INSERT INTO h1_person SELECT g, 'person ' || g, now(), 0 FROM generate_series(1, 20) g
--- setup serial
CREATE TABLE h1_serial (id serial PRIMARY KEY, v text)
--- setup identity
CREATE TABLE h1_ident (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, v text)
--- setup setter-function
CREATE FUNCTION h1_setter() RETURNS text LANGUAGE plpgsql AS $$
BEGIN
    PERFORM set_config('search_path', 'h1_from_function', false);
    RETURN 'x';
END $$
--- setup harmless-function
CREATE FUNCTION h1_double(x int) RETURNS int LANGUAGE sql IMMUTABLE AS 'SELECT x * 2'
--- setup procedure
CREATE PROCEDURE h1_proc() LANGUAGE plpgsql AS $$ BEGIN SET search_path = h1_from_procedure; END $$
--- setup view
CREATE VIEW h1_setter_view AS SELECT h1_setter() AS v
--- setup trigger-table
CREATE TABLE h1_trig_t (a int)
--- setup trigger-function
CREATE FUNCTION h1_trig() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM set_config('search_path', 'h1_from_trigger', false);
    RETURN NEW;
END $$
--- setup trigger
CREATE TRIGGER h1_trig BEFORE INSERT ON h1_trig_t FOR EACH ROW EXECUTE FUNCTION h1_trig()
--- setup schema
CREATE SCHEMA h1_other
--- setup other-function
CREATE FUNCTION h1_other.lower(x text) RETURNS text LANGUAGE sql AS 'SELECT x'

--- gucs custom-settings
h1app.tenant h1app.uid local.h1 transaction.h1 session.h1 constraints.h1

# ---------------------------------------------------------------------------------------------------------------
# Settings
--- leak set-search-path
SET search_path = h1_x
--- leak set-search-path-to
set search_path to h1_x, public
--- leak set-session
SET SESSION search_path = h1_x
--- leak set-timezone
SET TIME ZONE 'Europe/Vienna'
--- leak set-work-mem
SET work_mem = '7MB'
--- leak set-statement-timeout
SET statement_timeout = '1h'
--- leak set-role
SET ROLE pg_monitor
--- leak set-session-authorization
SET SESSION AUTHORIZATION pg_monitor
--- leak set-session-characteristics
SET SESSION CHARACTERISTICS AS TRANSACTION ISOLATION LEVEL SERIALIZABLE
--- leak set-custom
SET h1app.tenant = '42'
--- leak set-custom-named-local
SET local.h1 = 'x'
--- leak set-custom-named-transaction
SET transaction.h1 = 'x'
--- leak set-custom-named-session
SET session.h1 = 'x'
--- leak set-local-custom-defines-placeholder
SET LOCAL h1app.uid = 'x'
--- leak set-custom-named-constraints
SET constraints.h1 = 'x'
--- probe set-local
SET LOCAL search_path = h1_x
--- probe set-local-in-transaction
BEGIN; SET LOCAL search_path = h1_x; COMMIT
--- leak set-transaction-outside-transaction
SET TRANSACTION ISOLATION LEVEL SERIALIZABLE
--- probe set-transaction-in-transaction
BEGIN; SET TRANSACTION ISOLATION LEVEL SERIALIZABLE; COMMIT
--- probe set-local-isolation
SET LOCAL transaction_isolation = 'serializable'
--- probe set-local-default-isolation
SET LOCAL default_transaction_isolation = 'serializable'
--- probe set-local-time-zone
SET LOCAL TIME ZONE 'UTC'
--- probe set-local-role
SET LOCAL ROLE pg_monitor
--- probe set-local-role-in-transaction
BEGIN; SET LOCAL ROLE pg_monitor; SET LOCAL SESSION AUTHORIZATION pg_monitor; COMMIT
--- probe set-local-quoted-custom
SET LOCAL "h1app.tenant" = 'x'
--- probe set-constraints
SET CONSTRAINTS ALL DEFERRED
--- probe set-constraints-in-transaction
BEGIN; SET CONSTRAINTS ALL IMMEDIATE; COMMIT
--- leak set-default-transaction
SET default_transaction_read_only = on
--- leak set-application-name
SET application_name = 'h1'
--- probe reset-all
RESET ALL
--- probe reset-one
RESET search_path
--- probe discard-all
DISCARD ALL
--- leak set-config
SELECT set_config('search_path', 'h1_x', false)
--- leak set-config-param params=search_path|h1_x
SELECT set_config(?, ?, false)
--- probe set-config-local
SELECT set_config('search_path', 'h1_x', true)
--- leak set-config-qualified
SELECT pg_catalog.set_config('search_path', 'h1_x', false)
--- leak set-config-quoted
SELECT "pg_catalog"."set_config"('search_path', 'h1_x', false)
--- leak set-config-spaced
SELECT PG_CATALOG . SET_CONFIG /* between */ ( 'search_path' , 'h1_x' , false )
--- leak set-config-unicode
SELECT U&"set\005fconfig"('search_path', 'h1_x', false)
--- leak set-config-uescape
SELECT U&"set!005fconfig" UESCAPE '!' ('search_path', 'h1_x', false)
--- leak set-config-in-where
SELECT a FROM h1_t WHERE set_config('search_path', 'h1_x', false) IS NOT NULL
--- leak set-config-in-case
SELECT CASE WHEN a > 0 THEN set_config('search_path', 'h1_x', false) END FROM h1_t
--- leak set-config-after-paren
SELECT (1) + length(set_config('search_path', 'h1_x', false))
--- leak set-config-in-from
SELECT * FROM set_config('search_path', 'h1_x', false)
--- leak set-config-lateral
SELECT * FROM h1_t, LATERAL set_config('search_path', 'h1_x', false) s(v)
--- leak set-config-in-insert
INSERT INTO h1_t (a, b) VALUES (100, set_config('search_path', 'h1_x', false)) ON CONFLICT (a) DO NOTHING
--- leak set-config-in-update
UPDATE h1_t SET b = set_config('search_path', 'h1_x', false) WHERE a = 1
--- leak set-config-in-cte
WITH x AS (SELECT set_config('search_path', 'h1_x', false)) SELECT * FROM x
--- leak set-config-in-cte-column-list
WITH x (v) AS (SELECT 1), y (w) AS (SELECT set_config('search_path', 'h1_x', false)) SELECT * FROM x, y
--- leak set-config-window
SELECT count(*) OVER (ORDER BY set_config('search_path', 'h1_x', false)) FROM h1_t
--- leak set-config-filter
SELECT count(*) FILTER (WHERE set_config('search_path', 'h1_x', false) > '') FROM h1_t
--- leak set-config-after-operator-keyword
SELECT 1 OPERATOR(pg_catalog.+) length(set_config('search_path', 'h1_x', false))
--- leak set-config-in-values
VALUES (set_config('search_path', 'h1_x', false))
--- leak set-config-query-to-xml
SELECT query_to_xml('select set_config(''search_path'', ''h1_x'', false)', false, false, '')
--- leak set-config-ts-stat
SELECT * FROM ts_stat('select to_tsvector(set_config(''search_path'', ''h1_x'', false))')
--- leak update-pg-settings
UPDATE pg_settings SET setting = 'h1_x' WHERE name = 'search_path'
--- leak update-pg-settings-qualified
update pg_catalog.pg_settings set setting = 'h1' where name = 'application_name'
--- probe update-pg-settings-in-cte
WITH u AS (UPDATE pg_settings SET setting = 'h1_x' WHERE name = 'search_path' RETURNING name) SELECT * FROM u
--- probe select-pg-settings
SELECT name, setting FROM pg_settings WHERE name = 'search_path'
--- leak set-config-local-custom-defines-placeholder
SELECT set_config('h1app.tenant', '42', true)
--- probe show-undefined-custom
SHOW h1app.uid
--- probe current-setting-undefined-custom
SELECT current_setting('h1app.uid')
--- harmless current-setting-missing-ok
SELECT current_setting('h1app.uid', true)
--- leak set-quoted-name
SET "search_path" = h1_x
--- leak set-config-rows-from
SELECT * FROM ROWS FROM (set_config('search_path', 'h1_x', false))
--- leak set-config-xmlelement
SELECT xmlelement(name x, set_config('search_path', 'h1_x', false))
--- leak set-config-group-by
SELECT a FROM h1_t GROUP BY ROLLUP (a), set_config('search_path', 'h1_x', false)
--- leak set-config-jdbc-fn
SELECT {fn ucase(set_config('search_path', 'h1_x', false))}
--- leak set-config-insert-select
INSERT INTO h1_t (a, b) SELECT 200, set_config('search_path', 'h1_x', false) ON CONFLICT (a) DO NOTHING
--- leak set-config-merge
MERGE INTO h1_t t USING (SELECT 1 AS a) s ON t.a = s.a
WHEN MATCHED THEN UPDATE SET b = set_config('search_path', 'h1_x', false)
--- leak set-config-after-ordinality
SELECT * FROM unnest(ARRAY[1]) WITH ORDINALITY AS u(x, n), set_config('search_path', 'h1_x', false) s
--- leak set-config-after-time-zone
SELECT x::timestamp with time zone, set_config('search_path', 'h1_x', false) FROM (SELECT now() AS x) s
--- leak set-config-after-cte
WITH x AS (SELECT 1) SELECT a, set_config('search_path', 'h1_x', false) FROM h1_t
--- leak set-config-after-like
SELECT * FROM h1_t t WHERE t.b NOT LIKE set_config('search_path', 'h1_x', false)
--- leak set-config-scalar-subquery
SELECT (SELECT 1) AS v, (SELECT set_config('search_path', 'h1_x', false))
--- probe set-config-not-run
SELECT set_config('search_path', 'h1_x', false) WHERE false

# ---------------------------------------------------------------------------------------------------------------
# Comments and line terminators that hide a statement
--- leak line-comment-cr
-- c<<CR>>SET search_path = h1_x
--- leak line-comment-crlf
-- c<<CR>><<LF>>SET search_path = h1_x
--- leak line-comment-lf
SELECT 1; -- c<<LF>>SET search_path = h1_x
--- leak block-comment-nested
/* a /* b */ c */ SET search_path = h1_x
--- leak block-comment-nested-deep
/* 1 /* 2 /* 3 */ 2 */ 1 */ SELECT 1; /* x */ SET search_path = h1_x
--- probe block-comment-hides
/* SET search_path = h1_x; /* nested */ still comment; */ SELECT 1
--- leak second-statement
SELECT 1; SET search_path = h1_x
--- leak second-statement-after-comment
SELECT 1 /* ; */; /**/ SET search_path = h1_x
--- probe vertical-tab-is-no-space-in-pg15
SELECT 1;<<VT>>SET search_path = h1_x
--- leak form-feed
SELECT 1;<<FF>>SET<<FF>>search_path<<TAB>>=<<CR>>h1_x
--- probe nbsp-is-not-space
SELECT<<NBSP>>set_config('search_path', 'h1_x', false)
--- leak paren-then-set
(SELECT 1); SET search_path = h1_x

# ---------------------------------------------------------------------------------------------------------------
# Strings, dollar quotes and identifiers that hide or reveal a statement
--- harmless dollar-quoted
SELECT $$;SET search_path = h1_x;$$
--- harmless dollar-quoted-tag
SELECT $h1$ $$ ; SET search_path = h1_x; $h1$
--- leak dollar-quote-other-tag
SELECT $a$ $$ ; $a$; SET search_path = h1_x
--- leak string-backslash-standard
SELECT '\'; SET search_path = h1_x; --'
--- probe string-backslash-scs-off scs=off
SELECT '\'; SET search_path = h1_x; --'
--- leak string-backslash-quote-scs-off scs=off
SELECT 'a\''; SET search_path = h1_x; --'
--- probe string-backslash-quote-scs-on
SELECT 'a\''; SET search_path = h1_x; --'
--- leak e-string-backslash
SELECT E'\\'; SET search_path = h1_x
--- probe e-string-scs-off scs=off
SELECT E'\'; SET search_path = h1_x; --', 'a\'b'
--- probe string-escape-e
SELECT E'\'; SET search_path = h1_x; --'
--- leak string-doubled-quote
SELECT 'it''s'; SET search_path = h1_x
--- leak quoted-identifier-semicolon
SELECT 1 AS "a;b"; SET search_path = h1_x
--- probe quoted-identifier-doubled
SELECT "x""; SET search_path = h1_y; --"
--- probe e-string-continuation
SELECT E'a'<<LF>>'\'' ';<<LF>>SET search_path = h1_x
--- probe unicode-string
SELECT U&'d\0061t\+000061'
--- probe unicode-string-uescape
SELECT U&'d!0061t!+000061' UESCAPE '!'
--- leak unicode-string-then-set
SELECT U&'\\'; SET search_path = h1_x
--- probe unicode-string-bad-escape
SELECT U&'\'; SET search_path = h1_x
--- probe bit-strings
SELECT B'1010', X'1F'
--- leak identifier-with-dollar
SELECT 1 AS a$b$; SET search_path = h1_x
--- probe national-string
SELECT N'abc'

# ---------------------------------------------------------------------------------------------------------------
# Temporary objects
--- leak create-temp-table
CREATE TEMP TABLE h1_tt (a int)
--- leak create-temporary-table
CREATE TEMPORARY TABLE h1_tt (a int)
--- leak create-local-temp
CREATE LOCAL TEMPORARY TABLE h1_tt (a int)
--- leak create-table-pg-temp
CREATE TABLE pg_temp.h1_tt (a int)
--- leak create-temp-sequence
CREATE TEMP SEQUENCE h1_ts
--- leak create-temp-view
CREATE TEMP VIEW h1_tv AS SELECT 1 AS a
--- leak create-temp-function
CREATE FUNCTION pg_temp.h1_tf() RETURNS int LANGUAGE sql AS 'SELECT 1'
--- leak create-temp-table-as
CREATE TEMP TABLE h1_tt AS SELECT * FROM h1_t
--- leak select-into-temp
SELECT 1 AS x INTO TEMP h1_ti
--- leak select-into-temp-newline
SELECT 1 AS x<<LF>>INTO TEMP h1_ti
--- leak select-into-temp-tab
SELECT 1 AS x<<TAB>>INTO<<TAB>>TEMP h1_ti
--- leak select-into-temporary-table
SELECT * INTO TEMPORARY TABLE h1_ti FROM h1_t
--- leak select-into-pg-temp
SELECT a INTO pg_temp.h1_ti FROM h1_t
--- leak with-select-into
WITH a AS (SELECT 1 AS x) SELECT * INTO TEMP h1_ti FROM a
--- leak select-into-after-comment
SELECT 1 AS x/* c */INTO TEMP h1_ti
--- leak explain-analyze-create-temp
EXPLAIN ANALYZE CREATE TEMP TABLE h1_te AS SELECT 1 AS a
--- leak explain-options-create-temp
EXPLAIN (ANALYZE, COSTS OFF) CREATE TEMP TABLE h1_te AS SELECT 1 AS a
--- leak explain-analyze-select-into
EXPLAIN ANALYZE SELECT 1 AS x INTO TEMP h1_te
--- probe explain-without-analyze
EXPLAIN CREATE TEMP TABLE h1_te AS SELECT 1 AS a
--- probe explain-select
EXPLAIN SELECT * FROM h1_t WHERE a = 1

# ---------------------------------------------------------------------------------------------------------------
# Prepared statements, cursors, LISTEN, locks
--- leak prepare
PREPARE h1_p AS SELECT 1
--- leak prepare-typed
PREPARE h1_p (int) AS SELECT * FROM h1_t WHERE a = $1
--- probe deallocate
DEALLOCATE ALL
--- leak declare-with-hold
DECLARE h1_c CURSOR WITH HOLD FOR SELECT * FROM h1_t
--- leak declare-scroll-with-hold
DECLARE h1_c SCROLL CURSOR WITH HOLD FOR SELECT 1
--- probe declare-without-hold
DECLARE h1_c CURSOR FOR SELECT * FROM h1_t
--- probe declare-in-transaction
BEGIN; DECLARE h1_c CURSOR FOR SELECT 1; COMMIT
--- leak declare-hold-in-transaction
BEGIN; DECLARE h1_c CURSOR WITH HOLD FOR SELECT 1; COMMIT
--- leak listen
LISTEN h1_channel
--- leak listen-quoted
LISTEN "h1 Channel"
--- probe unlisten
UNLISTEN *
--- probe notify
NOTIFY h1_channel, 'payload'
--- probe notify-function
SELECT pg_notify('h1_channel', 'payload')
--- leak advisory-lock
SELECT pg_advisory_lock(1)
--- leak advisory-lock-shared
SELECT pg_advisory_lock_shared(2)
--- leak try-advisory-lock
SELECT pg_try_advisory_lock(3)
--- leak try-advisory-lock-two-keys
SELECT pg_try_advisory_lock_shared(4, 5)
--- leak advisory-lock-param params=6
SELECT pg_advisory_lock(?)
--- harmless advisory-xact-lock
SELECT pg_advisory_xact_lock(7)
--- harmless try-advisory-xact-lock
SELECT pg_try_advisory_xact_lock(8)
--- probe lock-table
LOCK TABLE h1_t IN SHARE MODE

# ---------------------------------------------------------------------------------------------------------------
# Sequences
--- leak nextval
SELECT nextval('h1_s')
--- leak nextval-param params=h1_s
SELECT nextval(?)
--- leak nextval-regclass
SELECT nextval('h1_s2'::regclass)
--- leak nextval-in-insert
INSERT INTO h1_t (a, b) VALUES (nextval('h1_s') + 1000, 'x')
--- leak nextval-qualified
SELECT pg_catalog.nextval('public.h1_s')
--- leak setval
SELECT setval('h1_s', 42)
--- probe setval-not-called
SELECT setval('h1_s2', 42, false)
--- leak nextval-from-series
SELECT nextval('h1_s') FROM generate_series(1, 2) g(n)
--- leak nextval-in-subquery
SELECT count(*) FROM (SELECT nextval('h1_s')) s
--- leak nextval-values
VALUES (nextval('h1_s'))
--- leak nextval-explain-analyze
EXPLAIN ANALYZE SELECT nextval('h1_s')
--- leak nextval-explain-cte
EXPLAIN (ANALYZE) WITH x AS (SELECT nextval('h1_s')) SELECT * FROM x
--- probe truncate-restart-identity
TRUNCATE h1_serial RESTART IDENTITY
--- harmless currval
SELECT currval('h1_s')
--- harmless lastval
SELECT lastval()
--- harmless sequence-relation
SELECT last_value, is_called FROM h1_s
--- opaque serial-default
INSERT INTO h1_serial (v) VALUES ('x')
--- opaque identity-default
INSERT INTO h1_ident (v) VALUES ('x') RETURNING id

# ---------------------------------------------------------------------------------------------------------------
# Functions and procedures
--- leak user-function
SELECT h1_setter()
--- leak user-function-qualified
SELECT public.h1_setter()
--- leak user-function-quoted
SELECT "h1_setter"()
--- leak user-function-in-where
SELECT * FROM h1_t WHERE b <> h1_setter()
--- probe user-function-jdbc-call
{call h1_setter()}
--- probe user-function-jdbc-call-result
{? = call h1_setter()}
--- leak call-procedure
CALL h1_proc()
--- leak do-block
DO $$ BEGIN PERFORM set_config('search_path', 'h1_x', false); END $$
--- leak do-language
DO LANGUAGE plpgsql $body$ BEGIN SET search_path = h1_x; END $body$
--- probe do-nothing
DO $$ BEGIN NULL; END $$
--- probe harmless-user-function
SELECT h1_double(a) FROM h1_t
--- probe other-schema-lower
SELECT h1_other.lower('X')
--- opaque view-calls-setter
SELECT * FROM h1_setter_view
--- opaque trigger-sets
INSERT INTO h1_trig_t VALUES (1)
--- leak load
LOAD 'auto_explain'
--- probe setseed
SELECT setseed(0.5)
--- probe dblink
SELECT dblink_connect('h1', 'dbname=postgres')
--- probe create-table
CREATE TABLE IF NOT EXISTS h1_made (a int)
--- probe select-into-table
SELECT 1 AS a INTO h1_made_by_select
--- probe copy-out
COPY h1_t TO STDOUT
--- probe vacuum
VACUUM h1_t
--- probe analyze
ANALYZE h1_t
--- probe checkpoint-like-unknown
CHECKPOINT

# ---------------------------------------------------------------------------------------------------------------
# Harmless controls: what JPA/Hibernate and hand-written data access send. None may be classified "may change".
--- harmless select-by-id params=1
select p1_0.id,p1_0.created,p1_0.name,p1_0.version from h1_person p1_0 where p1_0.id=?
--- harmless insert params=Ann|1000
insert into h1_person (name,id) values (?,?)
--- harmless update params=Bob|1|2
update h1_person set name=?,version=? where id=?
--- harmless delete params=9999
delete from h1_person where id=?
--- harmless count-like params=%person%
select count(*) from h1_person p1_0 where lower(p1_0.name) like lower(?) escape ''
--- harmless paging params=5|10
select p1_0.id,p1_0.name from h1_person p1_0 order by p1_0.name offset ? rows fetch first ? rows only
--- harmless limit-offset params=10|0
SELECT * FROM h1_person ORDER BY id LIMIT ? OFFSET ?
--- harmless for-update params=1
select p1_0.id from h1_person p1_0 where p1_0.id=? for update
--- harmless skip-locked
SELECT id FROM h1_person ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED
--- harmless exists params=1
select exists(select 1 from h1_person where id = ?)
--- harmless in-list params=1|2|3
SELECT * FROM h1_person WHERE id IN (?, ?, ?)
--- harmless any-array params={1,2}
SELECT * FROM h1_person WHERE id = ANY (?::bigint[])
--- harmless join
SELECT t.a, p.name FROM h1_t t JOIN h1_person p ON p.id = t.a LEFT OUTER JOIN h1_t t2 ON t2.a = p.id
--- harmless builtins params=x
SELECT coalesce(max(id), 0), min(name), upper(name), now(), current_timestamp, current_date, length(?::text)
FROM h1_person GROUP BY name HAVING count(*) > 0
--- harmless builtins-2
SELECT date_trunc('day', created), extract(epoch from created), to_char(created, 'YYYY'), nullif(name, ''),
greatest(1, 2), least(1, 2), trim(both ' ' from name), substring(name from 1 for 3), position('a' in name)
FROM h1_person
--- harmless casts params=42|x
SELECT cast(? as integer), ?::text, cast(name as varchar(10)), created::date, 1::numeric(10, 2) FROM h1_person
--- harmless window
SELECT row_number() OVER (PARTITION BY a ORDER BY b), rank() OVER w, count(*) FILTER (WHERE a > 1) OVER ()
FROM h1_t WINDOW w AS (ORDER BY a)
--- harmless cte
WITH x AS (SELECT a FROM h1_t), y AS MATERIALIZED (SELECT * FROM x) SELECT count(*) FROM y
--- harmless cte-not-materialized
WITH x AS NOT MATERIALIZED (SELECT a FROM h1_t) SELECT * FROM x
--- harmless cte-recursive
WITH RECURSIVE r (n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 3) SELECT count(*) FROM r
--- harmless cte-column-lists
WITH x (v) AS (SELECT 1), y (w) AS (SELECT 2) SELECT * FROM x, y
--- harmless writable-cte
WITH d AS (DELETE FROM h1_t WHERE a = 999 RETURNING *) INSERT INTO h1_t SELECT * FROM d
--- harmless generate-series
SELECT g.n FROM generate_series(1, 3) AS g(n)
--- harmless unnest-alias
SELECT u.x FROM unnest(ARRAY[1, 2]) u(x)
--- harmless subquery-alias
SELECT s.v FROM (SELECT 1) s(v)
--- harmless values-alias
SELECT * FROM (VALUES (1, 'a'), (2, 'b')) AS v (n, s)
--- harmless upsert params=1|one
INSERT INTO h1_t (a, b) VALUES (?, ?) ON CONFLICT (a) DO UPDATE SET b = excluded.b
--- harmless upsert-nothing
INSERT INTO h1_t (a, b) VALUES (1, 'one') ON CONFLICT (a) DO NOTHING
--- harmless insert-select
INSERT INTO h1_t (a, b) SELECT a + 1000, b FROM h1_t WHERE a < 0
--- harmless insert-returning
INSERT INTO h1_person (id, name) VALUES (2000, 'x') ON CONFLICT DO NOTHING RETURNING id
--- harmless update-multi-column
UPDATE h1_t SET (a, b) = (a, upper(b)) WHERE a = 2
--- harmless update-from
UPDATE h1_t t SET b = p.name FROM h1_person p WHERE p.id = t.a AND t.a = 3
--- harmless merge
MERGE INTO h1_t t USING (SELECT 1 AS a) s ON t.a = s.a
WHEN MATCHED THEN UPDATE SET b = 'one' WHEN NOT MATCHED THEN INSERT (a, b) VALUES (s.a, 'one')
--- harmless transaction
BEGIN; SELECT 1; COMMIT
--- harmless transaction-rollback
START TRANSACTION ISOLATION LEVEL REPEATABLE READ; SELECT 1; ROLLBACK
--- harmless savepoint
BEGIN; SAVEPOINT h1_sp; SELECT 1; RELEASE SAVEPOINT h1_sp; ROLLBACK
--- harmless show
SHOW search_path
--- harmless current-setting
SELECT current_setting('search_path'), current_user, session_user, current_schema(), version()
--- harmless table
TABLE h1_t
--- harmless values
VALUES (1), (2)
--- harmless union
(SELECT 1) UNION (SELECT 2)
--- harmless jdbc-escapes
SELECT {fn ucase('a')}, {fn lcase('B')}, {fn abs(-1)}, {d '2020-01-01'}, {ts '2020-01-01 10:00:00'}
--- harmless jdbc-outer-join
SELECT t.a FROM {oj h1_t t LEFT OUTER JOIN h1_person p ON p.id = t.a}
--- harmless json
SELECT jsonb_build_object('a', 1) ->> 'a', '{"a":1}'::jsonb @> '{"a":1}', jsonb_typeof('1')
--- harmless string-functions
SELECT concat('a', 'b'), string_agg(b, ',' ORDER BY b), array_agg(a), left(b, 1), right(b, 1), replace(b, 'o', '0')
FROM h1_t
--- harmless like-ilike
SELECT * FROM h1_t WHERE b LIKE ('o' || '%') OR b ILIKE ('T' || '%')
--- harmless uuid-random
SELECT gen_random_uuid(), random(), md5('x')
--- harmless truncate-empty
TRUNCATE h1_trig_t
--- harmless comments
/* hint */ SELECT 1 -- trailing
--- harmless pg-catalog-qualified
SELECT pg_catalog.lower('X'), pg_catalog.now()
--- harmless typed-literals
SELECT date '2020-01-01', interval '1 day', timestamp '2020-01-01 00:00', time '10:00'
--- harmless case-when
SELECT CASE WHEN a > 1 THEN 'big' ELSE 'small' END, a BETWEEN 1 AND 2, a IS DISTINCT FROM 3 FROM h1_t
--- harmless set-multiple-semicolons
SELECT 1;;
--- harmless array-literals
SELECT ARRAY[1, 2], '{1,2}'::int[], ARRAY(SELECT a FROM h1_t), ROW(1, 2)
--- harmless xact-lock-in-transaction
BEGIN; SELECT pg_advisory_xact_lock(9); COMMIT
--- harmless sleep
SELECT pg_sleep(0)
--- harmless any-subquery
SELECT * FROM h1_t WHERE b = ANY (SELECT unnest(ARRAY['one']))
--- harmless case-left-right
SELECT CASE WHEN a > 1 THEN left(b, 1) ELSE right(b, 1) END FROM h1_t
--- harmless rollup
SELECT a, count(*) FROM h1_t GROUP BY ROLLUP (a)
--- harmless grouping-sets
SELECT a, count(*) FROM h1_t GROUP BY GROUPING SETS ((a), ())
--- harmless time-zone-type
SELECT x::timestamp with time zone, x::time(3) with time zone FROM (SELECT now() AS x) s
--- harmless ordinality
SELECT * FROM unnest(ARRAY[1, 2]) WITH ORDINALITY AS u(x, n)
--- harmless within-group
SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY a) FROM h1_t
--- harmless tablesample
SELECT * FROM h1_t TABLESAMPLE system (100) REPEATABLE (1)
--- harmless set-local-in-transaction
BEGIN; SET LOCAL statement_timeout = '5s'; SET LOCAL search_path = h1_x; SELECT 1; COMMIT
--- harmless declare-in-transaction
BEGIN; DECLARE h1_c NO SCROLL CURSOR WITHOUT HOLD FOR SELECT * FROM h1_t; COMMIT
--- harmless hibernate-sequence-read
select currval('h1_s2'), lastval()
--- harmless jsonb-question-operator
SELECT '{"a":1}'::jsonb ?? 'a', '{"a":1}'::jsonb ??| ARRAY['a']
