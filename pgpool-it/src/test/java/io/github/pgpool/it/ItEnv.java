package io.github.pgpool.it;

import io.github.pgpool.testing.TestServerUrl;
import java.io.File;

/**
 * What the build hands to the tests (system properties set by the failsafe executions) and where PostgreSQL is.
 * Every value is checked when first used, with a message that says which property is missing, so a wrong
 * invocation fails at once instead of deep inside a server.
 */
public final class ItEnv {
    private ItEnv() {
    }

    /** The admin JDBC URL, by the one rule of {@link TestServerUrl} (property, else environment, else default). */
    public static String adminUrl() {
        return TestServerUrl.adminUrl();
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
        TestServerUrl.Server s = TestServerUrl.server();
        return new Server(s.host(), s.port(), s.user(), s.password());
    }
}
