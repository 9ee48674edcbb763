package io.openpaas.common.security;

/**
 * An authenticated user as the access token describes them.
 *
 * @param userId  the token's subject
 * @param admin   platform administrator (only when the API token carried no role ceiling)
 * @param ceiling the highest project role the API token allows ({@code null}: no ceiling)
 * @param tokenId the API token the access token was exchanged from, if known
 */
public record Caller(String userId, boolean admin, String ceiling, String tokenId) {

    public Caller(String userId, boolean admin) {
        this(userId, admin, null, null);
    }

    /**
     * Whether a token acts as platform admin: it must be in the admin group and carry no role
     * ceiling (a capped token never has admin power, whatever its groups say). The gateway and
     * every service decide it with this one rule.
     */
    public static boolean actsAsAdmin(boolean inAdminGroup, String ceiling) {
        return inAdminGroup && ceiling == null;
    }

    /** The role this caller acts with in a project where they hold {@code role}. */
    public String effectiveRole(String role) {
        return ProjectRoles.lower(role, ceiling);
    }

    /** True when the token's ceiling allows acting with {@code role} anywhere. */
    public boolean ceilingAllows(String role) {
        return ceiling == null || ProjectRoles.atLeast(ceiling, role);
    }
}
