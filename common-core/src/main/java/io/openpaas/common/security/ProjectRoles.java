package io.openpaas.common.security;

import java.util.List;

/** The order of project roles (viewer &lt; developer &lt; owner) and the comparisons on it. */
public final class ProjectRoles {

    /** From the weakest to the strongest. */
    public static final List<String> RANK = List.of(Roles.VIEWER, Roles.DEVELOPER, Roles.OWNER);

    private ProjectRoles() {
    }

    public static boolean isRole(String role) {
        return role != null && RANK.contains(role);
    }

    /** True when {@code held} is {@code required} or stronger; never for a role outside the rank. */
    public static boolean atLeast(String held, String required) {
        return isRole(held) && isRole(required) && RANK.indexOf(held) >= RANK.indexOf(required);
    }

    /** The weaker of two roles; {@code null} stands for "no limit". */
    public static String lower(String a, String b) {
        if (a == null) {
            return b;
        }
        if (b == null) {
            return a;
        }
        return RANK.indexOf(a) <= RANK.indexOf(b) ? a : b;
    }
}
