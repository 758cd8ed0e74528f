package io.github.pgpool.api;

/**
 * Writes the settings reference table (Markdown) from {@link PoolSetting}, so the documentation is made from the
 * same source as the validation. The README embeds its output between marker comments, and a test fails when the
 * two differ.
 */
public final class SettingsTable {
    private SettingsTable() {
    }

    /** @return a Markdown table: setting, type, default, meaning and rule */
    public static String markdown() {
        StringBuilder md = new StringBuilder();
        md.append("| Setting | Type | Default | Meaning |\n");
        md.append("|---|---|---|---|\n");
        for (PoolSetting s : PoolSetting.values()) {
            String def = s.defaultText().map(d -> d.isEmpty() ? "(empty)" : "`" + d + "`").orElse("(required)");
            md.append("| `").append(s.displayName()).append("` | ").append(typeName(s)).append(" | ").append(def)
                    .append(" | ").append(s.description()).append(" Rule: ").append(s.rule()).append(". |\n");
        }
        return md.toString();
    }

    private static String typeName(PoolSetting s) {
        switch (s.type()) {
            case INTEGER:
                return "integer";
            case DURATION:
                return "duration";
            case SECRET:
                return "secret text";
            case PROPERTIES:
                return "key=value;...";
            case URL:
                return "JDBC URL";
            case CHOICE:
                return String.join(" \\| ", s.choices());
            default:
                return "text";
        }
    }

    /**
     * Prints the table, for pasting into the README: {@code java -cp pgpool-api/target/classes
     * io.github.pgpool.api.SettingsTable}.
     */
    public static void main(String[] args) {
        System.out.print(markdown());
    }
}
