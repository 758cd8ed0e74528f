package io.github.pgpool.it;

import java.io.File;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the build hands to the tests (system properties set by the failsafe executions) and where PostgreSQL is.
 * Every value is checked when first used, with a message that says which property is missing, so a wrong
 * invocation fails at once instead of deep inside a server.
 */
public final class ItEnv {
    static final String DEFAULT_URL = "jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres";

    private ItEnv() {
    }

    /** The admin JDBC URL: env PGPOOL_TEST_URL, else system property pgpool.test.url, else the local default. */
    public static String adminUrl() {
        String env = System.getenv("PGPOOL_TEST_URL");
        if (env != null && !env.isBlank()) {
            return env.trim();
        }
        String prop = System.getProperty("pgpool.test.url");
        return prop == null || prop.isBlank() ? DEFAULT_URL : prop.trim();
    }

    /** The built resource adapter under test (the file, never its classes). */
    public static File rarFile() {
        return existingFile("pgpool.it.rar", "the built pgpool.rar (the pgpool-rar module's artifact)");
    }

    /** target/classes of this module: the server-side test application, packed into the WAR from here. */
    public static File appClasses() {
        return existingFile("pgpool.it.app.classes", "this module's compiled application classes (target/classes)");
    }

    /** The PostgreSQL driver jar the tests use for their own admin connection, in an isolated class loader. */
    public static File driverJar() {
        return existingFile("pgpool.it.driver.jar", "the org.postgresql:postgresql jar");
    }

    /** src/test/config: the Payara domain.xml copy and the logging configuration. */
    public static File configDir() {
        return existingFile("pgpool.it.config.dir", "pgpool-it/src/test/config");
    }

    private static File existingFile(String property, String what) {
        String value = System.getProperty(property);
        if (value == null || value.isBlank()) {
            throw new IllegalStateException("System property " + property + " (" + what + ") is not set; run the "
                    + "tests through Maven: mvn verify -pl pgpool-it -am");
        }
        File file = new File(value);
        if (!file.exists()) {
            throw new IllegalStateException(property + " points to " + file + ", which does not exist (" + what
                    + "); build it first: mvn install -pl pgpool-rar -am -DskipTests");
        }
        return file;
    }

    /** Host, port, user and password of {@link #adminUrl()}, which the servers' pools use too. */
    public record Server(String host, int port, String user, String password) {
    }

    public static Server server() {
        String url = adminUrl();
        if (!url.startsWith("jdbc:postgresql://")) {
            throw new IllegalStateException("pgpool.test.url must look like jdbc:postgresql://host:port/db?user=..., "
                    + "was " + url);
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
        return new Server(uri.getHost() == null ? "localhost" : uri.getHost(), uri.getPort() < 0 ? 5432 : uri.getPort(),
                query.getOrDefault("user", System.getProperty("user.name")), query.getOrDefault("password", ""));
    }
}
