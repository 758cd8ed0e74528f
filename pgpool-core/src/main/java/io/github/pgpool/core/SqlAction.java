package io.github.pgpool.core;

import java.sql.SQLException;

/**
 * A JDBC call on a driver object that returns nothing; see {@link SqlCall}.
 *
 * @param <D> the driver object's type
 */
@FunctionalInterface
interface SqlAction<D> {
    void apply(D driverObject) throws SQLException;
}
