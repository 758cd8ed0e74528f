package io.github.pgpool.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * {@code pg-names.txt} against the server's catalogs: the keyword categories and the harmless built-in functions
 * must be what its header's queries give on PostgreSQL 15 (on another version the differences are printed, for
 * whoever regenerates the file), and no denied function may be listed.
 */
class SqlNamesTest {
    /** The built-ins that change the session or run a query string; pg-names.txt's header explains each group. */
    static final String[] DENIED = {"set_config", "nextval", "setval", "setseed", "pg_advisory_lock",
        "pg_advisory_lock_shared", "pg_advisory_unlock", "pg_advisory_unlock_shared", "pg_advisory_unlock_all",
        "pg_try_advisory_lock", "pg_try_advisory_lock_shared", "pg_backup_start", "pg_backup_stop",
        "pg_create_logical_replication_slot", "pg_create_physical_replication_slot", "pg_copy_logical_replication_slot",
        "pg_copy_physical_replication_slot", "pg_replication_origin_session_setup",
        "pg_replication_origin_session_reset",
        "pg_replication_origin_xact_setup", "pg_replication_origin_xact_reset", "query_to_xml", "query_to_xmlschema",
        "query_to_xml_and_xmlschema", "cursor_to_xml", "cursor_to_xmlschema", "ts_stat", "ts_rewrite",
        "pg_stop_making_pinned_objects", "plpgsql_call_handler", "plpgsql_inline_handler", "plpgsql_validator"};

    @Test
    void theNamesFileMatchesTheServersCatalogs() throws Exception {
        Map<String, TreeSet<String>> file = sections();
        Map<String, TreeSet<String>> server = new TreeMap<>();
        int major;
        try (Connection c = TestDatabase.admin(); Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("SELECT current_setting('server_version_num')::int / 10000")) {
                rs.next();
                major = rs.getInt(1);
            }
            try (ResultSet rs = s.executeQuery("SELECT catcode, word FROM pg_get_keywords()")) {
                while (rs.next()) {
                    server.computeIfAbsent("keywords " + rs.getString(1), k -> new TreeSet<>()).add(rs.getString(2));
                }
            }
            String denied = String.join("', '", DENIED);
            try (ResultSet rs = s.executeQuery("SELECT proname FROM pg_proc"
                    + " WHERE pronamespace = 'pg_catalog'::regnamespace"
                    + " AND prokind <> 'p' AND proname NOT IN ('" + denied + "') AND proname !~ '^binary_upgrade_'"
                    + " GROUP BY proname")) {
                while (rs.next()) {
                    server.computeIfAbsent("functions", k -> new TreeSet<>()).add(rs.getString(1));
                }
            }
        }
        assertThat(file.get("functions")).doesNotContain(DENIED).noneMatch(n -> n.startsWith("binary_upgrade_"))
                .contains("lower", "count", "now", "currval", "lastval", "pg_advisory_xact_lock");
        String header = header();
        assertThat(Arrays.stream(DENIED).filter(n -> !header.contains(n))).as("denied names missing in the header")
                .isEmpty();
        for (String section : server.keySet()) {
            TreeSet<String> missing = new TreeSet<>(server.get(section));
            missing.removeAll(file.getOrDefault(section, new TreeSet<>()));
            TreeSet<String> extra = new TreeSet<>(file.getOrDefault(section, new TreeSet<>()));
            extra.removeAll(server.get(section));
            if (major == 15) {
                assertThat(missing).as("[" + section + "] names the server has but pg-names.txt lacks").isEmpty();
                assertThat(extra).as("[" + section + "] names pg-names.txt has but the server lacks").isEmpty();
            } else if (!missing.isEmpty() || !extra.isEmpty()) {
                System.out.println("[pg-names.txt vs PostgreSQL " + major + "] [" + section + "] missing " + missing
                        + ", not on this server " + extra);
            }
        }
    }

    @Test
    void lookupsFoldOnlyUnquotedAsciiNames() {
        assertThat(SqlNames.of("LOWER", 0, 5, true) & SqlNames.HARMLESS_FUNCTION).isNotZero();
        assertThat(SqlNames.of("LOWER", 0, 5, false)).isZero();
        assertThat(SqlNames.of("xRI_FKey_check_ins", 1, 18, false) & SqlNames.HARMLESS_FUNCTION).isNotZero();
        assertThat(SqlNames.of("RI_FKey_check_ins", 0, 17, true)).isZero();
        assertThat(SqlNames.of("\u017fet_config", 0, 10, true)).isZero();
        assertThat(SqlNames.of("values", 0, 6, true) & SqlNames.NEVER_FUNCTION).isNotZero();
        assertThat(SqlNames.of("left", 0, 4, true) & (SqlNames.TYPE_FUNC_NAME | SqlNames.HARMLESS_FUNCTION))
                .isEqualTo(SqlNames.TYPE_FUNC_NAME | SqlNames.HARMLESS_FUNCTION);
        assertThat(SqlNames.of("ucase", 0, 5, true)).isEqualTo(SqlNames.JDBC_ESCAPE_FUNCTION);
        assertThat(SqlNames.of("set_config", 0, 10, true)).isZero();
    }

    private static String header() throws IOException {
        String text = read();
        return text.substring(0, text.indexOf("\n["));
    }

    private static Map<String, TreeSet<String>> sections() throws IOException {
        Map<String, TreeSet<String>> out = new TreeMap<>();
        String section = null;
        for (String line : read().split("\n")) {
            if (line.startsWith("[")) {
                section = line.substring(1, line.indexOf(']'));
            } else if (section != null && !line.startsWith("#") && !line.isBlank()) {
                out.computeIfAbsent(section, k -> new TreeSet<>()).addAll(Arrays.asList(line.trim().split(" +")));
            }
        }
        return out;
    }

    private static String read() throws IOException {
        try (InputStream in = SqlNames.class.getResourceAsStream("pg-names.txt")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
