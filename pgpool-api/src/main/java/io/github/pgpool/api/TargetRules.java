package io.github.pgpool.api;

/**
 * The rules that span several settings of the connection target, checked when settings are built: a target must be
 * named (DatabaseName, or Url); Url excludes ServerName, PortNumber and DatabaseName; a connection property may be
 * given in Url or in DriverProperties, not both. Stateless.
 */
final class TargetRules {
    private TargetRules() {
    }

    static void check(SettingValues v) {
        if (v.url.text().isEmpty()) {
            if (v.databaseName == null) {
                String rule = PoolSetting.DATABASE_NAME.rule();
                throw new InvalidSettingException(PoolSetting.DATABASE_NAME.displayName(), "(not set)",
                        "is required; " + rule.substring(0, rule.indexOf(';')));
            }
            return;
        }
        // Url names hosts, ports and database itself. The defaults of ServerName and PortNumber are allowed
        // because a server passes them explicitly (ra.xml) even when the administrator never typed them.
        String[] clash = v.databaseName != null ? new String[] {"DatabaseName", v.databaseName}
                : !v.serverName.equals(PoolSetting.SERVER_NAME.defaultText().orElseThrow())
                        ? new String[] {"ServerName", v.serverName}
                        : v.portNumber != Integer.parseInt(PoolSetting.PORT_NUMBER.defaultText().orElseThrow())
                                ? new String[] {"PortNumber", Integer.toString(v.portNumber)} : null;
        if (clash != null) {
            throw new InvalidSettingException(PoolSetting.URL.displayName(), JdbcUrl.shown(v.url.text()),
                    "cannot be combined with " + clash[0] + "=" + clash[1] + ": Url names the hosts, ports and "
                            + "database itself; give either Url or ServerName, PortNumber and DatabaseName");
        }
        for (String key : v.url.properties().keySet()) {
            if (v.driverProperties.values().containsKey(key)) {
                throw new InvalidSettingException(PoolSetting.DRIVER_PROPERTIES.displayName(),
                        v.driverProperties.text(),
                        v.driverProperties.label(key) + " is given in Url too; give it in one place");
            }
        }
    }
}
