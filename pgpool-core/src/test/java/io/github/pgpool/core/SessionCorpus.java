package io.github.pgpool.core;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;

/**
 * The statements of {@code session-corpus.sql} (format described at the top of that file) and a seeded,
 * deterministic generator of variants of them: other whitespace, line terminators and comments, other letter case,
 * other string literal forms, and for statements that are not harmless controls also quoted, Unicode-escaped or
 * schema-qualified function names, a statement before them and an {@code EXPLAIN ANALYZE} in front.
 */
final class SessionCorpus {
    /** What an entry is for. */
    enum Kind {
        /** Run once by the admin before the corpus: the objects the statements need. */
        SETUP,
        /** Names of custom settings the fingerprint must read (placeholders are not in pg_settings). */
        GUCS,
        /** Must change the fresh session's fingerprint (proves the fingerprint sees it). */
        LEAK,
        /** Must leave the session as it was and be classified harmless: the precision guard. */
        HARMLESS,
        /** No expectation of its own; only the general rule (changed implies "may change") applies. */
        PROBE,
        /** Changes the session through database objects the SQL text cannot show: reported, not asserted. */
        OPAQUE
    }

    /** One statement text of the corpus. */
    record Entry(Kind kind, String name, String sql, List<String> params, boolean scsOff) {
    }

    private static final String[] GAPS = {" ", "  ", "\t", "\n", "\r", "\r\n", "\f", " \n\t", "/**/", " /* c */ ",
        "/* a /* b */ c */", " -- c\n", "-- c\r", "--\r\n", " /* x -- y */\r", "\n-- c ; SET x = y\n"};
    private static final String[] PREFIXES = {"", "", "", " ", "\n", "\r\n\t", "/* lead */ ", "-- lead\n",
        "-- lead\r", "/* a /* nested */ b */\n"};
    private static final String[] SUFFIXES = {"", "", "", ";", ";;", " ;\n", "; -- end", " /* end */", "\n", ";\r"};

    private static final char RAW = '\u0000';

    final List<Entry> entries;

    private SessionCorpus(List<Entry> entries) {
        this.entries = entries;
    }

    /** Reads the corpus from a class-path resource. */
    static SessionCorpus load(String resource) throws IOException {
        try (InputStream in = SessionCorpus.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IOException("corpus resource " + resource + " is missing");
            }
            return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    static SessionCorpus parse(String text) {
        List<Entry> entries = new ArrayList<>();
        String[] header = null;
        StringBuilder body = new StringBuilder();
        for (String line : (text + "\n--- end").split("\n", -1)) {
            if (line.startsWith("#")) {
                continue;
            }
            if (line.startsWith("--- ")) {
                if (header != null) {
                    entries.add(entry(header, body));
                }
                header = line.substring(4).trim().split("\\s+");
                body.setLength(0);
            } else if (header != null) {
                body.append(line).append('\n');
            } else if (!line.isBlank()) {
                throw new IllegalArgumentException("corpus text before the first '--- kind name' line: " + line);
            }
        }
        return new SessionCorpus(entries);
    }

    private static Entry entry(String[] header, StringBuilder body) {
        if (header[0].equals("end") && header.length == 1) {
            return null;
        }
        Kind kind = Kind.valueOf(header[0].toUpperCase(Locale.ROOT));
        if (header.length < 2) {
            throw new IllegalArgumentException("corpus entry without a name: --- " + String.join(" ", header));
        }
        List<String> params = List.of();
        boolean scsOff = false;
        for (int i = 2; i < header.length; i++) {
            if (header[i].startsWith("params=")) {
                params = Arrays.asList(header[i].substring(7).split("\\|", -1));
            } else if (header[i].equals("scs=off")) {
                scsOff = true;
            } else {
                throw new IllegalArgumentException("corpus entry " + header[1] + ": unknown option " + header[i]
                        + " (expected params=v1|v2 or scs=off)");
            }
        }
        String sql = body.toString().replaceAll("\\s+$", "")
                .replace("<<CR>>", "\r").replace("<<LF>>", "\n").replace("<<TAB>>", "\t").replace("<<FF>>", "\f")
                .replace("<<VT>>", "\u000b").replace("<<NBSP>>", "\u00a0");
        if (sql.isEmpty()) {
            throw new IllegalArgumentException("corpus entry " + header[1] + " has no text");
        }
        return new Entry(kind, header[1], sql, params, scsOff);
    }

    List<Entry> of(Kind kind) {
        List<Entry> out = new ArrayList<>();
        for (Entry e : entries) {
            if (e != null && e.kind() == kind) {
                out.add(e);
            }
        }
        return out;
    }

    List<String> customSettings() {
        List<String> names = new ArrayList<>();
        for (Entry e : of(Kind.GUCS)) {
            names.addAll(Arrays.asList(e.sql().trim().split("\\s+")));
        }
        return names;
    }

    /** @return up to {@code count} distinct variants of the entry's text, none equal to it */
    static List<String> variants(Entry e, Random random, int count) {
        Set<String> out = new LinkedHashSet<>();
        boolean aggressive = e.kind() != Kind.HARMLESS;
        for (int attempt = 0; attempt < count * 4 && out.size() < count; attempt++) {
            String v = variant(e.sql(), random, aggressive);
            if (!v.equals(e.sql())) {
                out.add(v);
            }
        }
        return new ArrayList<>(out);
    }

    static String variant(String sql, Random r, boolean aggressive) {
        List<String> segs = split(sql);
        StringBuilder out = new StringBuilder(pick(r, PREFIXES));
        if (aggressive && r.nextInt(6) == 0) {
            out.append(pick(r, new String[] {"SELECT 1;", "select 1 ;\n", "SELECT 1; /* then */ "}));
        }
        String head = sql.stripLeading().toLowerCase(Locale.ROOT);
        boolean explainable = head.startsWith("select") || head.startsWith("insert") || head.startsWith("update")
                || head.startsWith("delete") || head.startsWith("with") || head.startsWith("values");
        if ((aggressive || explainable) && r.nextInt(7) == 0) {
            out.append(pick(r, new String[] {"EXPLAIN ANALYZE ", "explain (analyze, costs off) ",
                "EXPLAIN (ANALYZE true, TIMING false)\n", "EXPLAIN ANALYZE VERBOSE "}));
        }
        int caseMode = r.nextInt(4);
        int braces = 0; // inside a JDBC escape {fn ...} pgjdbc's own parser expects plain spaces
        for (int i = 0; i < segs.size(); i++) {
            String s = segs.get(i);
            char c = s.charAt(0);
            braces += c == '{' ? 1 : c == '}' ? -1 : 0;
            if (c == RAW) {
                out.append(s, 1, s.length());
            } else if (isGap(s)) {
                out.append(r.nextBoolean() && braces == 0 ? pick(r, GAPS) : s);
            } else if (isWordStart(c)) {
                String next = nextSolid(segs, i);
                if (aggressive && "(".equals(next) && r.nextInt(3) == 0) {
                    out.append(disguiseFunctionName(s, r));
                } else {
                    out.append(recase(s, caseMode, r));
                }
            } else if (c == '\'' && r.nextInt(3) == 0 && s.length() >= 2 && !s.substring(1, s.length() - 1)
                    .matches(".*['\\\\$].*")) {
                String content = s.substring(1, s.length() - 1);
                out.append(pick(r, new String[] {"E'" + content + "'", "$$" + content + "$$",
                    "$h1q$" + content + "$h1q$", "U&'" + content + "'", "e'" + content + "'"}));
            } else {
                out.append(s);
            }
        }
        out.append(pick(r, SUFFIXES));
        return out.toString();
    }

    private static String disguiseFunctionName(String word, Random r) {
        String lower = word.toLowerCase(Locale.ROOT);
        switch (r.nextInt(4)) {
            case 0:
                return '"' + lower + '"';
            case 1: {
                int at = r.nextInt(lower.length());
                return "U&\"" + lower.substring(0, at) + String.format("\\%04x", (int) lower.charAt(at))
                        + lower.substring(at + 1) + '"';
            }
            case 2: {
                int at = r.nextInt(lower.length());
                return "U&\"" + lower.substring(0, at) + String.format("!%04x", (int) lower.charAt(at))
                        + lower.substring(at + 1) + "\" UESCAPE '!'";
            }
            default:
                return "pg_catalog . " + word.toUpperCase(Locale.ROOT);
        }
    }

    private static String recase(String word, int mode, Random r) {
        switch (mode) {
            case 1:
                return word.toUpperCase(Locale.ROOT);
            case 2:
                return word.toLowerCase(Locale.ROOT);
            case 3: {
                StringBuilder b = new StringBuilder(word.length());
                for (int i = 0; i < word.length(); i++) {
                    char ch = word.charAt(i);
                    b.append(r.nextBoolean() ? Character.toUpperCase(ch) : Character.toLowerCase(ch));
                }
                return b.toString();
            }
            default:
                return word;
        }
    }

    private static String nextSolid(List<String> segs, int i) {
        for (int j = i + 1; j < segs.size(); j++) {
            if (!isGap(segs.get(j))) {
                return segs.get(j);
            }
        }
        return "";
    }

    private static <T> T pick(Random r, T[] choices) {
        return choices[r.nextInt(choices.length)];
    }

    private static boolean isGap(String s) {
        return s.isBlank();
    }

    private static boolean isWordStart(char c) {
        return Character.isLetter(c) || c == '_';
    }

    /**
     * A deliberately simple splitting into whitespace, comments, quoted texts, words and single characters, enough
     * to place the variations; it need not match PostgreSQL exactly, since the server judges every variant.
     */
    static List<String> split(String sql) {
        List<String> segs = new ArrayList<>();
        int n = sql.length();
        int i = 0;
        while (i < n) {
            char c = sql.charAt(i);
            int end;
            if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f') {
                end = i;
                while (end < n && " \t\n\r\f".indexOf(sql.charAt(end)) >= 0) {
                    end++;
                }
            } else if (sql.startsWith("--", i)) {
                end = i;
                while (end < n && sql.charAt(end) != '\n' && sql.charAt(end) != '\r') {
                    end++;
                }
            } else if (sql.startsWith("/*", i)) {
                int depth = 0;
                end = i;
                do {
                    if (sql.startsWith("/*", end)) {
                        depth++;
                        end += 2;
                    } else if (sql.startsWith("*/", end)) {
                        depth--;
                        end += 2;
                    } else {
                        end++;
                    }
                } while (depth > 0 && end < n);
            } else if (c == '\'' || c == '"') {
                end = i + 1;
                while (end < n && !(sql.charAt(end) == c && (end + 1 >= n || sql.charAt(end + 1) != c))) {
                    end += sql.charAt(end) == c ? 2 : 1;
                }
                end = Math.min(n, end + 1);
            } else if (c == '$' && i + 1 < n && !Character.isDigit(sql.charAt(i + 1))) {
                int close = sql.indexOf('$', i + 1);
                String tag = close < 0 ? null : sql.substring(i, close + 1);
                boolean valid = tag != null && tag.matches("\\$([A-Za-z_][A-Za-z_0-9]*)?\\$");
                int stop = valid ? sql.indexOf(tag, close + 1) : -1;
                end = stop < 0 ? i + 1 : stop + tag.length();
            } else if (isWordStart(c)) {
                end = i;
                while (end < n && (Character.isLetterOrDigit(sql.charAt(end)) || sql.charAt(end) == '_'
                        || sql.charAt(end) == '$')) {
                    end++;
                }
                int q = end;
                while (q < n && sql.charAt(q) == '&') {
                    q++;
                }
                if (q < n && (sql.charAt(q) == '\'' || sql.charAt(q) == '"') && (q > end || sql.charAt(q) == '\'')) {
                    end = quotedEnd(sql, q); // a prefixed literal (E'', U&'', U&"", B'', date '') stays as it is
                    segs.add(RAW + sql.substring(i, end));
                    i = end;
                    continue;
                }
            } else {
                end = i + 1;
            }
            segs.add(sql.substring(i, end));
            i = end;
        }
        return segs;
    }

    private static int quotedEnd(String sql, int open) {
        char quote = sql.charAt(open);
        int n = sql.length();
        int e = open + 1;
        while (e < n) {
            char d = sql.charAt(e);
            if (d == '\\') {
                e += 2;
            } else if (d == quote && e + 1 < n && sql.charAt(e + 1) == quote) {
                e += 2;
            } else if (d == quote) {
                return e + 1;
            } else {
                e++;
            }
        }
        return n;
    }
}
