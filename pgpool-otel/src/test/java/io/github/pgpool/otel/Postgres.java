package io.github.pgpool.otel;

import io.github.pgpool.api.PoolSettings;
import io.github.pgpool.testing.TestServerUrl;

/** Settings for a pool on the test server ({@link TestServerUrl}), in its own database; tests adjust the rest. */
final class Postgres {
    private Postgres() {
    }

    static PoolSettings.Builder settings(String poolName) {
        TestServerUrl.Server server = TestServerUrl.server();
        PoolSettings.Builder b = PoolSettings.builder().serverName(server.host()).portNumber(server.port())
                .databaseName(server.database()).user(server.user()).poolName(poolName);
        if (!server.password().isEmpty()) {
            b.password(server.password());
        }
        return b;
    }
}
