package io.openpaas.common.security;

/** Role names of docs/contracts.md: one platform role and three project roles. */
public final class Roles {

    /** Platform administrator; carried in the JWT's {@code groups}. */
    public static final String ADMIN = "admin";
    public static final String OWNER = "owner";
    public static final String DEVELOPER = "developer";
    public static final String VIEWER = "viewer";

    /** Issuer and audience of every OpenPaaS access token. */
    public static final String ISSUER = "openpaas";
    public static final String AUDIENCE = "openpaas-api";

    /** Access-token claims: the API token's role ceiling and id. */
    public static final String CEILING_CLAIM = "role_ceiling";
    public static final String TOKEN_ID_CLAIM = "tid";

    private Roles() {
    }
}
