package io.github.pgpool.testing;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The one rule by which every module's tests find PostgreSQL (published in pgpool-api's test-jar, JDK only, so that
 * it also runs where the driver must not be on the classpath, as in embedded Payara):
 * <ol>
 * <li>the system property {@value #PROPERTY}, if set and not blank (Maven passes {@code -D} given on its command
 * line to the test JVMs; the build sets no value of its own),</li>
 * <li>else the environment variable {@value #ENVIRONMENT}, if set and not blank,</li>
 * <li>else {@value #DEFAULT}.</li>
 * </ol>
 * The URL names one host: {@code jdbc:postgresql://HOST[:PORT]/DATABASE[?user=USER&password=PW]}. Stateless.
 */
public final class TestServerUrl {
    /** The system property that points the tests at a server. */
    public static final String PROPERTY = "pgpool.test.url";
    /** The environment variable read when the system property is not given. */
    public static final String ENVIRONMENT = "PGPOOL_TEST_URL";
    /** The local server that {@code .ci/run} prepares. */
    public static final String DEFAULT = "jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres";

    private TestServerUrl() {
    }

    /** @return the admin JDBC URL, by the rule above */
    public static String adminUrl() {
        String property = System.getProperty(PROPERTY);
        if (property != null && !property.isBlank()) {
            return property.trim();
        }
        String env = System.getenv(ENVIRONMENT);
        return env != null && !env.isBlank() ? env.trim() : DEFAULT;
    }

    /** @return where {@link #adminUrl()} came from, for messages */
    public static String source() {
        String property = System.getProperty(PROPERTY);
        if (property != null && !property.isBlank()) {
            return "system property " + PROPERTY;
        }
        String env = System.getenv(ENVIRONMENT);
        return env != null && !env.isBlank() ? "environment variable " + ENVIRONMENT : "the default";
    }

    /** @return the admin URL pointed at another database of the same server, its query kept */
    public static String withDatabase(String database) {
        return adminUrl().replaceFirst("^(jdbc:postgresql://[^/?]*/)[^?]*", "$1" + database);
    }

    /** @return the parts of {@link #adminUrl()} */
    public static Server server() {
        String url = adminUrl();
        if (!url.startsWith("jdbc:postgresql://")) {
            throw new IllegalStateException("the test server URL (" + source() + ") must look like "
                    + "jdbc:postgresql://HOST:PORT/DB?user=USER&password=PW");
        }
        URI uri = URI.create(url.substring("jdbc:".length()));
        Map<String, String> query = new LinkedHashMap<>();
        if (uri.getRawQuery() != null) {
            for (String pair : uri.getRawQuery().split("&")) {
                int eq = pair.indexOf('=');
                if (eq > 0) {
                    query.put(pair.substring(0, eq), URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
                }
            }
        }
        String path = uri.getPath() == null || uri.getPath().length() <= 1 ? "postgres" : uri.getPath().substring(1);
        // Without a user in the URL, pgjdbc logs in as the operating system's user: say so, as pgjdbc would do.
        return new Server(uri.getHost() == null ? "localhost" : uri.getHost(), uri.getPort() < 0 ? 5432 : uri.getPort(),
                path, query.getOrDefault("user", System.getProperty("user.name")), query.getOrDefault("password", ""));
    }

    /**
     * Host, port, database, user and password of the test server.
     *
     * @param host the host
     * @param port the port
     * @param database the database the admin URL names
     * @param user the user (the operating system's user if the URL names none)
     * @param password the password, possibly empty
     */
    public record Server(String host, int port, String database, String user, String password) {
        /** @return the password masked, so that a test's output never shows it */
        @Override
        public String toString() {
            return "Server[" + user + "@" + host + ":" + port + "/" + database + "]";
        }
    }
}
