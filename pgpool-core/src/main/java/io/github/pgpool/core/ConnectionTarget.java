package io.github.pgpool.core;

import io.github.pgpool.api.InvalidSettingException;
import io.github.pgpool.api.PoolSetting;
import io.github.pgpool.api.PoolSettings;
import java.util.Map;
import java.util.Properties;
import org.postgresql.Driver;
import org.postgresql.PGProperty;
import org.postgresql.hostchooser.HostRequirement;

/**
 * Where and how the pool connects, as pgjdbc connection properties: hosts, ports and database
 * ({@code PGHOST}/{@code PGPORT}/{@code PGDBNAME}), then the properties of Url's query and of DriverProperties.
 * No URL is ever assembled from settings: the pool connects with the bare URL {@code jdbc:postgresql://}, for which
 * pgjdbc takes the target from these properties as they are, so no character of a name has a meaning (with a URL,
 * {@code db?user=postgres} logged in as postgres and {@code db%41} reached {@code dbA}). pgjdbc lets a URL win over
 * properties, which is why a URL with anything in it is never handed to {@code connect}.
 *
 * <p>A {@code Url} setting is read with pgjdbc's own {@link Driver#parseURL} (its target part only: pgjdbc logs a URL
 * it cannot read, and the query may hold a secret), and each host and the database are then held to the same rules
 * as ServerName and DatabaseName. Immutable.
 */
final class ConnectionTarget {
    /** The URL given to {@code connect}: names nothing, so every part of the target comes from the properties. */
    static final String BARE_URL = "jdbc:postgresql://";

    private final Properties properties;
    private final String shown;

    private ConnectionTarget(Properties properties, String shown) {
        this.properties = properties;
        this.shown = shown;
    }

    /**
     * @throws InvalidSettingException naming Url or DriverProperties, the value (secrets masked) and the rule, if
     *     pgjdbc cannot read the Url, a host or the database breaks its rule, or a property is not one pgjdbc knows
     */
    static ConnectionTarget of(PoolSettings settings) {
        Properties p = new Properties();
        String shown;
        if (settings.url().isEmpty()) {
            PGProperty.PG_HOST.set(p, settings.serverName());
            PGProperty.PG_PORT.set(p, Integer.toString(settings.portNumber()));
            PGProperty.PG_DBNAME.set(p, settings.databaseName());
            shown = BARE_URL + settings.serverName() + ":" + settings.portNumber() + "/" + settings.databaseName();
        } else {
            readUrl(settings, p);
            shown = settings.text(PoolSetting.URL);
        }
        copyKnown(settings, PoolSetting.URL, settings.urlProperties(), p);
        copyKnown(settings, PoolSetting.DRIVER_PROPERTIES, settings.driverProperties(), p);
        return new ConnectionTarget(p, shown);
    }

    private static void readUrl(PoolSettings settings, Properties p) {
        String target = settings.urlTarget();
        Properties parsed = Driver.parseURL(target, null);
        if (parsed == null) {
            throw invalidUrl(settings, "pgjdbc cannot read it (look for a port outside 1-65535, a missing '/' "
                    + "before the database, or a bad %-escape); " + PoolSetting.URL.rule());
        }
        String hosts = PGProperty.PG_HOST.getOrDefault(parsed);
        String ports = PGProperty.PG_PORT.getOrDefault(parsed);
        String database = PGProperty.PG_DBNAME.getOrDefault(parsed);
        if (database == null || database.isEmpty()) {
            throw invalidUrl(settings, "names no database; write jdbc:postgresql://host:port/database");
        }
        String[] hostList = hosts.split(",", -1);
        String[] portList = ports.split(",", -1);
        if (hostList.length != portList.length) {
            throw invalidUrl(settings, "pgjdbc reads " + hostList.length + " hosts but " + portList.length
                    + " ports; " + PoolSetting.URL.rule());
        }
        for (int i = 0; i < hostList.length; i++) {
            checkLikeTheSetting(settings, PoolSetting.SERVER_NAME, hostList[i]);
            checkLikeTheSetting(settings, PoolSetting.PORT_NUMBER, portList[i]);
        }
        checkLikeTheSetting(settings, PoolSetting.DATABASE_NAME, database);
        PGProperty.PG_HOST.set(p, hosts);
        PGProperty.PG_PORT.set(p, ports);
        PGProperty.PG_DBNAME.set(p, database);
    }

    /** Holds a part of the Url to the rule of the setting it stands for, reporting a breach against Url. */
    private static void checkLikeTheSetting(PoolSettings settings, PoolSetting like, String value) {
        try {
            PoolSettings.builder().set(like, value);
        } catch (InvalidSettingException e) {
            String part = like == PoolSetting.DATABASE_NAME ? "its database" : like == PoolSetting.SERVER_NAME
                    ? "a host (" + value + ")" : "a port (" + value + ")";
            throw invalidUrl(settings, part + " breaks the rule of " + like.displayName() + ": " + e.rule());
        }
    }

    private static void copyKnown(PoolSettings settings, PoolSetting from, Map<String, String> values, Properties p) {
        for (Map.Entry<String, String> e : values.entrySet()) {
            if (PGProperty.forName(e.getKey()) == null) {
                String label = settings.describeProperty(e.getKey());
                boolean named = label.startsWith("'");
                throw new InvalidSettingException(from.displayName(), named ? e.getKey() : settings.text(from),
                        label + " is not a pgjdbc connection property (names are case-sensitive, for example "
                                + "sslmode, ApplicationName, socketTimeout)" + (named ? "" : "; if a secret value "
                                + "contains the separator, escape it: '\\;' in DriverProperties, %3B or %26 in Url"));
            }
            if (e.getKey().equals(PGProperty.TARGET_SERVER_TYPE.getName())) {
                checkTargetServerType(settings, from, e.getValue());
            }
            p.setProperty(e.getKey(), e.getValue());
        }
    }

    /** pgjdbc would refuse every connect with a misspelt targetServerType; say so at pool creation instead. */
    private static void checkTargetServerType(PoolSettings settings, PoolSetting from, String value) {
        try {
            HostRequirement.getTargetServerType(value);
        } catch (IllegalArgumentException e) {
            throw new InvalidSettingException(from.displayName(), settings.text(from), "targetServerType=" + value
                    + " is not one of pgjdbc's any, primary, secondary, preferPrimary, preferSecondary "
                    + "(case-sensitive)");
        }
    }

    private static InvalidSettingException invalidUrl(PoolSettings settings, String what) {
        return new InvalidSettingException(PoolSetting.URL.displayName(), settings.text(PoolSetting.URL), what);
    }

    /** @return a fresh copy of the properties, to add credentials and timeouts to */
    Properties properties() {
        Properties copy = new Properties();
        copy.putAll(properties);
        return copy;
    }

    /** @return the target for messages: a URL-like text, secret properties masked; never used to connect */
    String shown() {
        return shown;
    }
}
