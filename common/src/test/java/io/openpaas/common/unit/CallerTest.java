package io.openpaas.common.unit;

import static io.openpaas.common.security.Roles.DEVELOPER;
import static io.openpaas.common.security.Roles.OWNER;
import static io.openpaas.common.security.Roles.VIEWER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.openpaas.common.security.Caller;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CallerTest {

    private static Caller withCeiling(String ceiling) {
        return new Caller("user-1", false, ceiling, "tok-1");
    }

    @Test
    void shortConstructorHasNoCeilingNorToken() {
        Caller caller = new Caller("user-1", true);
        assertEquals("user-1", caller.userId());
        assertTrue(caller.admin());
        assertNull(caller.ceiling());
        assertNull(caller.tokenId());
    }

    @Test
    void withoutCeilingTheHeldRoleIsTheEffectiveRole() {
        Caller caller = withCeiling(null);
        assertEquals(OWNER, caller.effectiveRole(OWNER));
        assertEquals(DEVELOPER, caller.effectiveRole(DEVELOPER));
        assertEquals(VIEWER, caller.effectiveRole(VIEWER));
    }

    @ParameterizedTest(name = "ceiling {0}, held {1} -> acts as {2}")
    @CsvSource({
            "owner,     owner,     owner",
            "owner,     developer, developer",
            "owner,     viewer,    viewer",
            "developer, owner,     developer",
            "developer, developer, developer",
            "developer, viewer,    viewer",
            "viewer,    owner,     viewer",
            "viewer,    developer, viewer",
            "viewer,    viewer,    viewer" })
    void ceilingLowersButNeverRaisesTheHeldRole(String ceiling, String held, String expected) {
        assertEquals(expected, withCeiling(ceiling).effectiveRole(held));
    }

    @Test
    void noCeilingAllowsEveryRole() {
        Caller caller = withCeiling(null);
        assertTrue(caller.ceilingAllows(OWNER));
        assertTrue(caller.ceilingAllows(DEVELOPER));
        assertTrue(caller.ceilingAllows(VIEWER));
    }

    @ParameterizedTest(name = "ceiling {0} allows {1} = {2}")
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
    void ceilingAllowsRolesUpToItself(String ceiling, String role, boolean expected) {
        assertEquals(expected, withCeiling(ceiling).ceilingAllows(role));
    }

    @Test
    void adminFlagDoesNotLiftTheCeiling() {
        Caller caller = new Caller("root", true, VIEWER, "tok");
        assertFalse(caller.ceilingAllows(DEVELOPER));
        assertEquals(VIEWER, caller.effectiveRole(OWNER));
    }
}
