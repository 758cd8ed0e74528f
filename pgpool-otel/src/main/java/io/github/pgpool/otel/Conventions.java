package io.github.pgpool.otel;

import io.opentelemetry.api.common.AttributeKey;

/**
 * The names, units and descriptions OpenTelemetry's semantic conventions for database client connection pools give
 * (Semantic Conventions for Database Client Metrics, "Connection pools", all experimental), in one place. Only
 * constants: no state.
 */
final class Conventions {
    static final AttributeKey<String> POOL_NAME = AttributeKey.stringKey("db.client.connection.pool.name");
    static final AttributeKey<String> STATE = AttributeKey.stringKey("db.client.connection.state");
    static final String STATE_IDLE = "idle";
    static final String STATE_USED = "used";

    /** UpDownCounter, attributes pool name and state. */
    static final String COUNT = "db.client.connection.count";
    /** UpDownCounter. */
    static final String IDLE_MAX = "db.client.connection.idle.max";
    /** UpDownCounter. */
    static final String IDLE_MIN = "db.client.connection.idle.min";
    /** UpDownCounter. */
    static final String MAX = "db.client.connection.max";
    /** UpDownCounter. */
    static final String PENDING_REQUESTS = "db.client.connection.pending_requests";
    /** Counter. */
    static final String TIMEOUTS = "db.client.connection.timeouts";
    /** Histogram. */
    static final String CREATE_TIME = "db.client.connection.create_time";
    /** Histogram. */
    static final String WAIT_TIME = "db.client.connection.wait_time";
    /** Histogram. */
    static final String USE_TIME = "db.client.connection.use_time";

    static final String UNIT_CONNECTION = "{connection}";
    static final String UNIT_REQUEST = "{request}";
    static final String UNIT_TIMEOUT = "{timeout}";
    static final String UNIT_SECONDS = "s";

    private Conventions() {
    }
}
