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

    /**
     * Runs a statement as superuser with triggers off ({@code session_replication_role =
     * replica}): what an intruder with full database access could do, for tamper tests.
     */
    public static int tamper(String sql, Object... params) {
        try (Connection c = DriverManager.getConnection(URL, "postgres", "")) {
            try (var st = c.createStatement()) {
                st.execute("set session_replication_role = replica");
            }
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                for (int i = 0; i < params.length; i++) {
                    ps.setObject(i + 1, params[i]);
                }
                return ps.executeUpdate();
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Runs a statement as {@code role} (whose password is its name, as init-db.sh makes them). */
    public static int executeAs(String role, String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(URL, role, role); var st = c.createStatement()) {
            return st.executeUpdate(sql);
        }
    }

    /** A count query run as {@code role}: proves what the role may read. */
    public static long countAs(String role, String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(URL, role, role); var st = c.createStatement(); var rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** One text value of a query. */
    public static String text(String sql, Object... params) {
        try (Connection c = DriverManager.getConnection(URL, "postgres", ""); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
