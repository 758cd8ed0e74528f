package io.github.pgpool.core;

import io.github.pgpool.testing.TestServerUrl;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What a borrower could notice of the previous borrower's session, read from the server in one query: every setting
 * a session can change (contexts user and superuser, with its source), the corpus's custom settings (placeholders
 * are not listed in {@code pg_settings}), current and session user, the session's temporary relations and
 * functions, prepared statements, cursors, LISTEN channels, advisory locks, and the sequence state ({@code currval}
 * of the sequences the corpus set up in schema public, and {@code lastval()}; "none" where the server would raise
 * 55000). It does not depend on what the database gains later, so every new session has the same fingerprint.
 *
 * <p>The query changes nothing in the session: it only reads catalogs and calls two helper functions that catch the
 * 55000 error, and every name in it is schema-qualified, so that a borrower's {@code search_path} cannot redirect it.
 * (Its helpers load PL/pgSQL into the session; the {@code plpgsql.*} settings that then appear are left out, as is
 * the loading of PL/pgSQL by a statement: a loaded library is no state a borrower can be handed.)
 * Test connections use {@code prepareThreshold=0} so that pgjdbc never names a server-side statement of its own
 * (which {@code pg_prepared_statements} would show); a statement run once behaves as with the default threshold.
 * Immutable: the test's worker threads share one instance, each reading through its own connections.
 */
final class SessionFingerprint {
    private static final String HELPERS = """
            CREATE FUNCTION public.h1_session_currval(seq regclass) RETURNS text LANGUAGE plpgsql SECURITY DEFINER
            SET search_path = pg_catalog AS $f$
            BEGIN
                RETURN pg_catalog.currval(seq)::text;
            EXCEPTION WHEN object_not_in_prerequisite_state THEN
                RETURN 'none';
            END $f$;
            CREATE FUNCTION public.h1_session_lastval() RETURNS text LANGUAGE plpgsql SECURITY DEFINER
            SET search_path = pg_catalog AS $f$
            BEGIN
                RETURN pg_catalog.lastval()::text;
            EXCEPTION WHEN object_not_in_prerequisite_state THEN
                RETURN 'none';
            END $f$;
            GRANT EXECUTE ON FUNCTION public.h1_session_currval(regclass), public.h1_session_lastval() TO PUBLIC
            """;

    private final String url;
    private final String query;

    private SessionFingerprint(String url, String query) {
        this.url = url;
        this.query = query;
    }

    /**
     * Installs the helper functions in {@code db} and prepares the fingerprint query.
     *
     * @param customSettings names of custom (dotted) settings the corpus may set
     */
    static SessionFingerprint install(TestDatabase db, List<String> customSettings) {
        db.run(HELPERS);
        StringBuilder names = new StringBuilder("ARRAY[");
        for (int i = 0; i < customSettings.size(); i++) {
            String n = customSettings.get(i);
            if (!n.matches("[a-z0-9_.]+")) {
                throw new IllegalArgumentException("custom setting name " + n + " must match [a-z0-9_.]+");
            }
            names.append(i == 0 ? "" : ", ").append('\'').append(n).append('\'');
        }
        names.append("]::pg_catalog.text[]");
        String sequences = sequences(db);
        String q = "SELECT 'setting ' OPERATOR(pg_catalog.||) name, setting OPERATOR(pg_catalog.||) ' ('"
                + " OPERATOR(pg_catalog.||) source OPERATOR(pg_catalog.||) ')'"
                + " FROM pg_catalog.pg_settings WHERE context OPERATOR(pg_catalog.=) ANY (ARRAY['user', 'superuser'])"
                + " AND name OPERATOR(pg_catalog.!~~) 'plpgsql.%'"
                + " UNION ALL SELECT 'custom ' OPERATOR(pg_catalog.||) n,"
                + " COALESCE(pg_catalog.current_setting(n, true), '<undefined>')"
                + " FROM pg_catalog.unnest(" + names + ") n"
                + " UNION ALL SELECT 'user', pg_catalog.concat(current_user, '/', session_user)"
                + " UNION ALL SELECT pg_catalog.concat('temp relation ', relname), relkind::pg_catalog.text"
                + " FROM pg_catalog.pg_class WHERE relnamespace OPERATOR(pg_catalog.=) pg_catalog.pg_my_temp_schema()"
                + " UNION ALL SELECT pg_catalog.concat('temp function ', proname), ''"
                + " FROM pg_catalog.pg_proc WHERE pronamespace OPERATOR(pg_catalog.=) pg_catalog.pg_my_temp_schema()"
                + " UNION ALL SELECT pg_catalog.concat('prepared ', name), statement"
                + " FROM pg_catalog.pg_prepared_statements"
                + " UNION ALL SELECT pg_catalog.concat('cursor ', name), pg_catalog.concat(statement, ' hold=',"
                + " is_holdable) FROM pg_catalog.pg_cursors"
                + " UNION ALL SELECT pg_catalog.concat('listen ', c), '' FROM pg_catalog.pg_listening_channels() c"
                + " UNION ALL SELECT pg_catalog.concat('advisory ', classid, '/', objid, '/', objsubid), mode"
                + " FROM pg_catalog.pg_locks WHERE pid OPERATOR(pg_catalog.=) pg_catalog.pg_backend_pid()"
                + " AND locktype OPERATOR(pg_catalog.=) 'advisory'"
                + " UNION ALL SELECT pg_catalog.concat('currval ', s),"
                + " public.h1_session_currval(s::pg_catalog.regclass)"
                + " FROM pg_catalog.unnest(" + sequences + ") s" // by text: regclass output follows search_path
                + " UNION ALL SELECT 'lastval', public.h1_session_lastval()";
        String base = TestServerUrl.withDatabase(db.name);
        return new SessionFingerprint(base + (base.contains("?") ? "&" : "?") + "prepareThreshold=0", q);
    }

    /** @return the corpus's sequences (schema public, fixed once set up) as a text[] literal of qualified names */
    private static String sequences(TestDatabase db) {
        String url = TestServerUrl.withDatabase(db.name);
        StringBuilder b = new StringBuilder("ARRAY[");
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT relname FROM pg_class WHERE relkind = 'S'"
                        + " AND relnamespace = 'public'::regnamespace ORDER BY relname")) {
            while (rs.next()) {
                b.append(b.length() > 6 ? ", " : "").append("'public.").append(rs.getString(1)).append('\'');
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot list the corpus's sequences", e);
        }
        return b.append("]::pg_catalog.text[]").toString();
    }

    /**
     * @param scsOff whether the session starts with {@code standard_conforming_strings} off
     * @return a new session of the test database, autocommit, as a pool would open it
     */
    Connection connect(boolean scsOff) throws SQLException {
        return DriverManager.getConnection(scsOff ? url + "&options=-c%20standard_conforming_strings%3Doff" : url);
    }

    /** @return the session's fingerprint: component name to value, sorted */
    Map<String, String> read(Connection c) throws SQLException {
        Map<String, String> fp = new TreeMap<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(query)) {
            while (rs.next()) {
                fp.merge(rs.getString(1), String.valueOf(rs.getString(2)), (a, b) -> a + " | " + b);
            }
        }
        return fp;
    }

    /** @return the components that differ between two fingerprints, as "name: before -> after" lines */
    static String diff(Map<String, String> before, Map<String, String> after) {
        StringBuilder out = new StringBuilder();
        TreeSet<String> keys = new TreeSet<>(before.keySet());
        keys.addAll(after.keySet());
        for (String k : keys) {
            String a = before.get(k);
            String b = after.get(k);
            if (a == null ? b != null : !a.equals(b)) {
                out.append(out.length() == 0 ? "" : "; ").append(k).append(": ").append(a).append(" -> ").append(b);
            }
        }
        return out.toString();
    }
}
