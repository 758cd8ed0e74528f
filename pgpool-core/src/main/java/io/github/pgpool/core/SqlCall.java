package io.github.pgpool.core;

import java.sql.SQLException;

/**
 * A JDBC call on a driver object that returns a value, for the wrappers that report a call's failure to the pool in
 * one place. Written as method references where possible, which the JVM does not allocate per call.
 *
 * @param <D> the driver object's type
 * @param <T> the call's result
 */
@FunctionalInterface
interface SqlCall<D, T> {
    T apply(D driverObject) throws SQLException;
}
