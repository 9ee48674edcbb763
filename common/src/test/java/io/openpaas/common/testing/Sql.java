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

    private Sql() {
    }

    /**
     * The JDBC URL of the database the service under test uses: host and port as the scripts
     * give them ({@code OPENPAAS_DATABASE_HOST/PORT}), the name from the running test's config
     * (a test class may have a database of its own, see {@link FreshDatabase}).
     */
    public static String url() {
        String explicit = System.getProperty("openpaas.test.jdbc-url");
        if (explicit != null) {
            return explicit;
        }
        String name = "openpaas_test";
        try {
            name = org.eclipse.microprofile.config.ConfigProvider.getConfig().getOptionalValue("openpaas.database.name", String.class).orElse(name);
        } catch (IllegalStateException e) {
            // no config outside a Quarkus test: the shared test database
        }
        return urlOf(name);
    }

    /** The JDBC URL of {@code database} on the server the scripts use (OPENPAAS_DATABASE_HOST/PORT). */
    public static String urlOf(String database) {
        return "jdbc:postgresql://" + host() + ":" + port() + "/" + database;
    }

    public static String host() {
        return System.getenv().getOrDefault("OPENPAAS_DATABASE_HOST", "127.0.0.1");
    }

    public static int port() {
        return Integer.parseInt(System.getenv().getOrDefault("OPENPAAS_DATABASE_PORT", "5432"));
    }

    /** {@link #count} with {@code schema} first on the search path (for functions that name their helpers unqualified). */
    public static long countIn(String schema, String sql, Object... params) {
        return countAt(url() + "?currentSchema=" + schema, sql, params);
    }

    public static long count(String sql, Object... params) {
        return countAt(url(), sql, params);
    }

    private static long countAt(String url, String sql, Object... params) {
        try (Connection c = DriverManager.getConnection(url, "postgres", ""); PreparedStatement ps = c.prepareStatement(sql)) {
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
        try (Connection c = DriverManager.getConnection(url(), "postgres", ""); PreparedStatement ps = c.prepareStatement(sql)) {
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
        try (Connection c = DriverManager.getConnection(url(), "postgres", "")) {
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

    /** Runs a statement as {@code role} (with the password the scripts gave it). */
    public static int executeAs(String role, String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(url(), role, passwordOf(role)); var st = c.createStatement()) {
            return st.executeUpdate(sql);
        }
    }

    /** A count query run as {@code role}: proves what the role may read. */
    public static long countAs(String role, String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(url(), role, passwordOf(role)); var st = c.createStatement();
                var rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** The role's password as the scripts generated it, else its name (init-db.sh's default). */
    private static String passwordOf(String role) {
        String given = System.getenv("OPENPAAS_DB_PASSWORD_" + role.replaceFirst("^openpaas_", "").toUpperCase(java.util.Locale.ROOT));
        return given != null ? given : role;
    }

    /** One text value of a query. */
    public static String text(String sql, Object... params) {
        try (Connection c = DriverManager.getConnection(url(), "postgres", ""); PreparedStatement ps = c.prepareStatement(sql)) {
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
