package io.github.pgpool.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.pgpool.testing.TestServerUrl;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The one rule that finds the test server: the property if given, else the environment, else the default. */
class TestServerUrlTest {
    private String saved;

    @BeforeEach
    void save() {
        saved = System.getProperty(TestServerUrl.PROPERTY);
    }

    @AfterEach
    void restore() {
        if (saved == null) {
            System.clearProperty(TestServerUrl.PROPERTY);
        } else {
            System.setProperty(TestServerUrl.PROPERTY, saved);
        }
    }

    @Test
    void thePropertyWinsWhenGiven() {
        System.setProperty(TestServerUrl.PROPERTY, " jdbc:postgresql://db.example.org:6543/app?user=u&password=p%26w ");
        assertThat(TestServerUrl.adminUrl()).isEqualTo("jdbc:postgresql://db.example.org:6543/app?user=u&password=p%26w");
        assertThat(TestServerUrl.source()).isEqualTo("system property pgpool.test.url");
        assertThat(TestServerUrl.server()).isEqualTo(
                new TestServerUrl.Server("db.example.org", 6543, "app", "u", "p&w"));
        assertThat(TestServerUrl.server().toString()).doesNotContain("p&w");
        assertThat(TestServerUrl.withDatabase("other"))
                .isEqualTo("jdbc:postgresql://db.example.org:6543/other?user=u&password=p%26w");
    }

    @Test
    void withoutThePropertyTheEnvironmentThenTheDefault() {
        System.clearProperty(TestServerUrl.PROPERTY);
        String env = System.getenv(TestServerUrl.ENVIRONMENT);
        if (env == null || env.isBlank()) {
            assertThat(TestServerUrl.adminUrl()).isEqualTo(TestServerUrl.DEFAULT);
            assertThat(TestServerUrl.source()).isEqualTo("the default");
        } else {
            assertThat(TestServerUrl.adminUrl()).isEqualTo(env.trim());
            assertThat(TestServerUrl.source()).isEqualTo("environment variable PGPOOL_TEST_URL");
        }
        System.setProperty(TestServerUrl.PROPERTY, "  ");
        assertThat(TestServerUrl.source()).doesNotStartWith("system property");
    }
}
