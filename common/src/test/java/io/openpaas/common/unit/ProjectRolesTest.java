package io.openpaas.common.unit;

import static io.openpaas.common.security.Roles.DEVELOPER;
import static io.openpaas.common.security.Roles.OWNER;
import static io.openpaas.common.security.Roles.VIEWER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.openpaas.common.security.ProjectRoles;
import io.openpaas.common.security.Roles;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ProjectRolesTest {

    @Test
    void rankGoesFromWeakestToStrongest() {
        assertEquals(List.of("viewer", "developer", "owner"), ProjectRoles.RANK);
    }

    @Test
    void onlyTheThreeProjectRolesAreRoles() {
        assertTrue(ProjectRoles.isRole(OWNER));
        assertTrue(ProjectRoles.isRole(DEVELOPER));
        assertTrue(ProjectRoles.isRole(VIEWER));
        assertFalse(ProjectRoles.isRole(Roles.ADMIN));
        assertFalse(ProjectRoles.isRole("Owner"));
        assertFalse(ProjectRoles.isRole(""));
        assertFalse(ProjectRoles.isRole(null));
    }

    @ParameterizedTest(name = "{0} at least {1} = {2}")
    @CsvSource({
            "owner,     owner,     true",
            "owner,     developer, true",
            "owner,     viewer,    true",
            "developer, owner,     false",
            "developer, developer, true",
            "developer, viewer,    true",
            "viewer,    owner,     false",
            "viewer,    developer, false",
            "viewer,    viewer,    true" })
    void atLeastFollowsTheRank(String held, String required, boolean expected) {
        assertEquals(expected, ProjectRoles.atLeast(held, required));
    }

    @Test
    void noRoleIsNeverEnough() {
        assertFalse(ProjectRoles.atLeast(null, VIEWER));
        assertFalse(ProjectRoles.atLeast(null, OWNER));
    }

    @Test
    void unknownHeldRoleIsNeverEnough() {
        assertFalse(ProjectRoles.atLeast("superuser", VIEWER));
        assertFalse(ProjectRoles.atLeast("Owner", VIEWER));
    }

    @ParameterizedTest(name = "lower({0}, {1}) = {2}")
    @CsvSource({
            "owner,     owner,     owner",
            "owner,     developer, developer",
            "developer, owner,     developer",
            "owner,     viewer,    viewer",
            "viewer,    owner,     viewer",
            "developer, viewer,    viewer",
            "viewer,    developer, viewer",
            "developer, developer, developer",
            "viewer,    viewer,    viewer" })
    void lowerIsTheWeakerRole(String a, String b, String expected) {
        assertEquals(expected, ProjectRoles.lower(a, b));
    }

    @Test
    void nullMeansNoLimit() {
        assertEquals(OWNER, ProjectRoles.lower(null, OWNER));
        assertEquals(OWNER, ProjectRoles.lower(OWNER, null));
        assertEquals(VIEWER, ProjectRoles.lower(VIEWER, null));
        assertNull(ProjectRoles.lower(null, null));
    }

    @org.junit.jupiter.api.Test
    void aRoleOutsideTheRankIsNeverReached() {
        assertFalse(ProjectRoles.atLeast(OWNER, Roles.ADMIN));
        assertFalse(ProjectRoles.atLeast(VIEWER, "root"));
        assertFalse(ProjectRoles.atLeast(Roles.ADMIN, VIEWER));
    }
}
