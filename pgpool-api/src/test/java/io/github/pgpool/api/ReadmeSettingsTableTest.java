package io.github.pgpool.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The README's settings table is the one the enum makes: documentation cannot drift from the code. */
class ReadmeSettingsTableTest {
    private static final String BEGIN = "<!-- settings-table:begin (generated from PoolSetting; see SettingsTable) -->";
    private static final String END = "<!-- settings-table:end -->";

    @Test
    void readmeShowsTheSettingsAsTheCodeDefinesThem() throws IOException {
        String readme = Files.readString(Path.of("..", "README.md"));
        int begin = readme.indexOf(BEGIN);
        int end = readme.indexOf(END);
        assertThat(begin).as("README.md has the marker %s", BEGIN).isNotNegative();
        assertThat(end).as("README.md has the marker %s", END).isGreaterThan(begin);
        String table = readme.substring(begin + BEGIN.length(), end).strip();
        assertThat(table).as("README settings table; regenerate it with: java -cp pgpool-api/target/classes "
                + "io.github.pgpool.api.SettingsTable").isEqualTo(SettingsTable.markdown().strip());
    }
}
