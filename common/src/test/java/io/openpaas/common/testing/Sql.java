package io.openpaas.common.testing;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * Direct SQL on the test database as the superuser, to check what was (not) written and to
 * clean a schema's tables between tests, independently of the code under test.
 */
public final class Sql {

    private static final String URL = System.getProperty("openpaas.test.jdbc-url", "jdbc:postgresql://127.0.0.1:5432/openpaas_test");

    private Sql() {
    }

    public static long count(String sql, Object... params) {
        try (Connection c = DriverManager.getConnection(URL, "postgres", ""); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    public static int execute(String sql, Object... params) {
        try (Connection c = DriverManager.getConnection(URL, "postgres", ""); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            return ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
