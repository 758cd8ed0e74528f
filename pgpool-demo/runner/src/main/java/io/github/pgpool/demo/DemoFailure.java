package io.github.pgpool.demo;

/**
 * A reason the demo cannot run that the user can fix (no PostgreSQL, another demo using the database, the demo not
 * started through Maven). Reported as its message alone: a stack trace would only hide the advice in it.
 */
final class DemoFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    DemoFailure(String message) {
        super(message);
    }
}
