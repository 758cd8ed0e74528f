package io.github.pgpool.demo;

import java.io.File;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Everything the demo is told from outside: where PostgreSQL is, and where the build left the adapter, the driver,
 * the sample application and the Payara configuration. The paths come from the Maven execution as system
 * properties; the PostgreSQL URL from {@code -Dpgpool.demo.url}, else {@code PGPOOL_DEMO_URL}, else the local default.
 *
 * @param url the JDBC URL of the administrative database (the demo creates its own database next to it)
 * @param host PostgreSQL host
 * @param port PostgreSQL port
 * @param user PostgreSQL user
 * @param password PostgreSQL password, empty for none
 * @param driverProperties further URL parameters, passed to pgpool as DriverProperties ({@code k=v;k2=v2})
 * @param rar the built pgpool.rar
 * @param driverJar the PostgreSQL driver jar, for the demo's own monitoring connection
 * @param war the sample application's WAR, as built (without its connector pool)
 * @param domainXml the loopback-only Payara configuration
 * @param outDir where the chart, the CSV and the WAR go
 */
record DemoConfig(String url, String host, int port, String user, String password, String driverProperties,
        File rar, File driverJar, File war, File domainXml, File outDir) {

    /** The URL used when neither the system property nor the environment variable gives one. */
    static final String DEFAULT_URL = "jdbc:postgresql://localhost:5432/postgres?user=postgres";

    /** The database the demo creates and the pool connects to; nothing else should use it. */
    static final String DATABASE = "pgpool_demo";

    /** Reads the configuration; fails with a message that says what is missing. */
    static DemoConfig fromEnvironment() {
        String url = chooseUrl(System.getProperty("pgpool.demo.url"), System.getenv("PGPOOL_DEMO_URL"));
        return of(url, file("pgpool.demo.rar"), file("pgpool.demo.driver"), file("pgpool.demo.war"),
                file("pgpool.demo.domain"), directory("pgpool.demo.out"));
    }

    /** The URL to use: the system property if set, else the environment variable, else {@link #DEFAULT_URL}. */
    static String chooseUrl(String property, String environment) {
        for (String candidate : new String[] {property, environment}) {
            if (candidate != null && !candidate.isBlank()) {
                return candidate.trim();
            }
        }
        return DEFAULT_URL;
    }

    /**
     * Takes the URL apart into what the pool's settings need: host, port, user, password, and any other parameter
     * as DriverProperties.
     */
    static DemoConfig of(String url, File rar, File driverJar, File war, File domainXml, File outDir) {
        if (!url.startsWith("jdbc:postgresql://")) {
            throw new DemoFailure("pgpool.demo.url must look like jdbc:postgresql://HOST:PORT/DB?user=U (got "
                    + url.replaceAll("(?i)(password=)[^&]*", "$1***") + ")");
        }
        URI uri;
        try {
            uri = new URI(url.substring("jdbc:".length()));
        } catch (URISyntaxException e) {
            throw new DemoFailure("pgpool.demo.url is not a valid URL: " + e.getMessage());
        }
        if (uri.getHost() == null) {
            throw new DemoFailure("pgpool.demo.url needs one host (multi-host URLs are not supported)");
        }
        Map<String, String> params = query(uri.getRawQuery());
        String user = params.getOrDefault("user", System.getProperty("user.name"));
        String password = params.getOrDefault("password", "");
        StringBuilder driverProperties = new StringBuilder();
        params.forEach((k, v) -> {
            if (!k.equals("user") && !k.equals("password")) {
                driverProperties.append(driverProperties.length() == 0 ? "" : ";").append(k).append('=').append(v);
            }
        });
        String host = uri.getHost().startsWith("[") ? uri.getHost().substring(1, uri.getHost().length() - 1)
                : uri.getHost();
        return new DemoConfig(url, host, uri.getPort() < 0 ? 5432 : uri.getPort(), user, password,
                driverProperties.toString(), rar, driverJar, war, domainXml, outDir);
    }

    /** The URL with the password hidden, for messages. */
    String safeUrl() {
        return url.replaceAll("(?i)(password=)[^&]*", "$1***");
    }

    /** The same server and parameters, another database. */
    String urlFor(String database) {
        return url.replaceFirst("^(jdbc:postgresql://[^/?]*)(/[^?]*)?", "$1/" + database);
    }

    private static Map<String, String> query(String rawQuery) {
        Map<String, String> params = new LinkedHashMap<>();
        if (rawQuery != null) {
            for (String pair : rawQuery.split("&")) {
                if (!pair.isEmpty()) {
                    int eq = pair.indexOf('=');
                    String key = decode(eq < 0 ? pair : pair.substring(0, eq));
                    params.put(key, eq < 0 ? "" : decode(pair.substring(eq + 1)));
                }
            }
        }
        return params;
    }

    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }

    private static File file(String property) {
        File f = path(property);
        if (!f.exists()) {
            throw new DemoFailure(property + " points to " + f + ", which does not exist. Run the demo "
                    + "through Maven from the project root: mvn -B -DskipTests -Ddemo verify");
        }
        return f;
    }

    private static File directory(String property) {
        File f = path(property).toPath().toAbsolutePath().normalize().toFile();
        if (!f.isDirectory() && !f.mkdirs()) {
            throw new IllegalStateException("cannot create " + f);
        }
        return f;
    }

    private static File path(String property) {
        String value = System.getProperty(property);
        if (value == null || value.isBlank() || value.startsWith("${")) {
            throw new DemoFailure("system property " + property + " is not set. Run the demo through Maven "
                    + "from the project root: mvn -B -DskipTests -Ddemo verify");
        }
        return new File(value);
    }
}
