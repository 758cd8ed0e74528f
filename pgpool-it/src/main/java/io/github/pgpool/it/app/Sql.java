package io.github.pgpool.it.app;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/** The few statements the application runs; they report the backend pid so tests can follow physical connections. */
final class Sql {
    private Sql() {
    }

    /** @return "database/pid" of the backend behind this connection */
    static String whoAmI(Connection c) throws SQLException {
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("select current_database(), pg_backend_pid()")) {
            rs.next();
            return rs.getString(1) + "/" + rs.getInt(2);
        }
    }

    static String sleep(Connection c, long millis) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("select pg_backend_pid(), pg_sleep(?)")) {
            s.setDouble(1, millis / 1000.0);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return Integer.toString(rs.getInt(1));
            }
        }
    }

    /** Inserts a tagged row into the table {@code item}, which the tests create in each database. */
    static String insert(Connection c, String tag) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("insert into item(tag) values (?)")) {
            s.setString(1, tag);
            s.executeUpdate();
        }
        return whoAmI(c);
    }
}
