package io.openpaas.project.security;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.openpaas.common.security.Roles;
import io.openpaas.project.Accounts;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.smallrye.jwt.build.Jwt;
import io.smallrye.jwt.build.JwtClaimsBuilder;
import io.smallrye.jwt.util.KeyUtils;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.PrivateKey;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

@QuarkusTest
@TestProfile(JwksVerificationProfile.class)
class KeyRotationAndJwtAttacksTest {

    @Test
    void aRotatedKeyKeepsOldTokensValidUntilTheyExpireAndSignsTheNewOnes() throws Exception {
        Path keyFile = stateDir().resolve("keys/jwt-signing.pem");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(keyFile)));
        String before = Accounts.adminJwt();
        String oldKid = kid(before);
        me(before, 200);

        List<String> published = given().get("/.well-known/jwks.json").then().extract().path("keys.kid");
        assertEquals(oldKid, published.get(0));
        String nextKid = published.get(1); // published before it signs anything

        var rotated = given().auth().oauth2(before).post("/api/v1/auth/keys/rotate").then().statusCode(200)
                .body("previous_key_id", equalTo(oldKid)).extract();
        String newKid = rotated.path("key_id");
        assertEquals(nextKid, newKid, "the pre-published next key signs after the rotation");
        List<String> afterRotation = given().get("/.well-known/jwks.json").then().extract().path("keys.kid");
        assertEquals(3, afterRotation.size(), "current, next and previous: " + afterRotation);
        assertEquals(newKid, afterRotation.get(0));
        assertEquals(oldKid, afterRotation.get(2));
        assertTrue(!afterRotation.get(1).equals(newKid) && !afterRotation.get(1).equals(oldKid), "a new next key");

        String after = Accounts.adminJwt();
        assertEquals(newKid, kid(after));
        me(after, 200); // no JWKS refetch needed: the verifier knew this key before it signed
        me(before, 200); // signed by the previous key: still valid until it expires

        // once the longest token the previous key can have signed has expired, it is retired
        Path previousFile = stateDir().resolve("keys/jwt-signing.previous.pub.pem");
        Files.setLastModifiedTime(previousFile, java.nio.file.attribute.FileTime.from(Instant.now().minus(Duration.ofMinutes(17))));
        List<String> retired = given().get("/.well-known/jwks.json").then().extract().path("keys.kid");
        assertEquals(List.of(newKid, afterRotation.get(1)), retired);
        Files.setLastModifiedTime(previousFile, java.nio.file.attribute.FileTime.from(Instant.now()));
        for (String name : List.of("keys/jwt-signing.pem", "keys/jwt-signing.next.pem", "keys/jwt-signing.previous.pub.pem")) {
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(stateDir().resolve(name))), name);
        }
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(keyFile)));
    }

    @jakarta.inject.Inject
    io.openpaas.common.security.VerifiedTokens verifiedTokens;

    @Test
    void forgedOrInvalidAccessTokensAreRefused() throws Exception {
        String admin = Accounts.adminJwt();
        Accounts.Account victim = Accounts.user(admin, "victim");
        me(victim.jwt(), 200);
        // verified once, then served from the cache: its user's deletion below must still refuse it
        assertTrue(verifiedTokens.isCached(victim.jwt()), "the verified token is cached");
        PrivateKey key = KeyUtils.decodePrivateKey(Files.readString(stateDir().resolve("keys/jwt-signing.pem")));
        String kid = kid(victim.jwt());
        String sub = victim.id();
        Instant now = Instant.now();

        Map<String, String> attacks = new LinkedHashMap<>();
        attacks.put("alg none", unsigned(victim.jwt()));
        attacks.put("HS256 keyed with the public key", hs256WithPublicKey(victim.jwt()));
        attacks.put("expired", claims(sub).issuedAt(now.minusSeconds(3600)).expiresAt(now.minusSeconds(1800)).jws().keyId(kid).sign(key));
        attacks.put("not yet valid", claims(sub).claim("nbf", now.plusSeconds(3600).getEpochSecond()).jws().keyId(kid).sign(key));
        attacks.put("wrong issuer", claims(sub).issuer("https://evil.example").jws().keyId(kid).sign(key));
        attacks.put("wrong audience", claims(sub).audience("another-api").jws().keyId(kid).sign(key));
        attacks.put("tampered payload", io.openpaas.common.testing.TestTokens.tampered(victim.jwt()));
        attacks.put("unknown kid", claims(sub).jws().keyId("not-a-published-key").sign(key));
        attacks.put("lives longer than an access token", claims(sub).expiresIn(Duration.ofHours(2)).jws().keyId(kid).sign(key));
        attacks.put("another key", claims(sub).jws().keyId(kid).sign(io.openpaas.common.testing.TestTokens.OTHER_PRIVATE_KEY));
        given().auth().oauth2(admin).delete("/api/v1/users/" + victim.id()).then().statusCode(204);
        attacks.put("token of a deleted user", victim.jwt());

        attacks.forEach((name, token) -> given().auth().oauth2(token).get("/api/v1/users/me").then()
                .log().ifValidationFails().statusCode(401).contentType("application/problem+json"));
        // and the valid form of the same claims passes, so the refusals above are the attacks'
        Accounts.Account alive = Accounts.user(admin, "alive");
        me(claims(alive.id()).jws().keyId(kid).sign(key), 200);
    }

    private static JwtClaimsBuilder claims(String sub) {
        return Jwt.issuer(Roles.ISSUER).audience(Roles.AUDIENCE).subject(sub).issuedAt(Instant.now())
                .expiresIn(Duration.ofMinutes(10)).claim("jti", UUID.randomUUID().toString());
    }

    private static void me(String jwt, int status) {
        given().auth().oauth2(jwt).get("/api/v1/users/me").then().statusCode(status);
    }

    private static Path stateDir() {
        return Path.of(ConfigProvider.getConfig().getValue("openpaas.state-dir", String.class));
    }

    private static String kid(String jwt) {
        String header = new String(Base64.getUrlDecoder().decode(jwt.split("\\.")[0]), StandardCharsets.UTF_8);
        return io.restassured.path.json.JsonPath.from(header).getString("kid");
    }

    private static String b64(String s) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    private static String unsigned(String jwt) {
        return b64("{\"alg\":\"none\",\"typ\":\"JWT\"}") + "." + jwt.split("\\.")[1] + ".";
    }

    /** The classic confusion attack: the RSA public key (which anyone can fetch) used as an HMAC secret. */
    private static String hs256WithPublicKey(String jwt) throws Exception {
        Map<String, Object> jwk = given().get("/.well-known/jwks.json").then().extract().path("keys[0]");
        var spec = new java.security.spec.RSAPublicKeySpec(
                new java.math.BigInteger(1, Base64.getUrlDecoder().decode((String) jwk.get("n"))),
                new java.math.BigInteger(1, Base64.getUrlDecoder().decode((String) jwk.get("e"))));
        byte[] publicDer = java.security.KeyFactory.getInstance("RSA").generatePublic(spec).getEncoded();
        String pem = "-----BEGIN PUBLIC KEY-----\n" + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(publicDer)
                + "\n-----END PUBLIC KEY-----\n";
        String signingInput = b64("{\"alg\":\"HS256\",\"typ\":\"JWT\",\"kid\":\"" + jwk.get("kid") + "\"}") + "." + jwt.split("\\.")[1];
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(pem.getBytes(StandardCharsets.US_ASCII), "HmacSHA256"));
        return signingInput + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(mac.doFinal(signingInput.getBytes(StandardCharsets.US_ASCII)));
    }
}
