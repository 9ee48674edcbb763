package io.openpaas.deploy.nativeimage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.ResourceBundle;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;

/**
 * The native-image registrations that Quarkus cannot make itself (docs/delivery.md): docker-java
 * binds the Docker API's JSON by reflection, and JGit reads its messages and config enums by
 * reflection. A library upgrade that adds or renames classes fails here, not in a native binary.
 */
class NativeImageConfigTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String DOCKER_CONFIG = "META-INF/native-image/io.openpaas/deploy-service/reflect-config.json";
    private static final List<String> DOCKER_PACKAGES = List.of("com/github/dockerjava/api/model/", "com/github/dockerjava/api/command/",
            "com/github/dockerjava/core/command/");

    @Test
    void everyDockerJavaClassBoundToJsonIsRegistered() throws Exception {
        Set<String> expected = new TreeSet<>();
        for (Class<?> anchor : List.of(com.github.dockerjava.api.model.Container.class, com.github.dockerjava.core.DockerClientImpl.class)) {
            try (JarFile jar = new JarFile(Path.of(anchor.getProtectionDomain().getCodeSource().getLocation().toURI()).toFile())) {
                jar.stream().map(e -> e.getName()).filter(n -> n.endsWith(".class"))
                        .filter(n -> DOCKER_PACKAGES.stream().anyMatch(p -> n.startsWith(p) && n.indexOf('/', p.length()) < 0))
                        .forEach(n -> expected.add(n.substring(0, n.length() - ".class".length()).replace('/', '.')));
            }
        }
        assertTrue(expected.size() > 400, "docker-java classes found: " + expected.size());
        if (Boolean.getBoolean("openpaas.native.write")) {
            ArrayNode config = MAPPER.createArrayNode();
            for (String name : expected) {
                config.addObject().<com.fasterxml.jackson.databind.node.ObjectNode>set("condition",
                        MAPPER.createObjectNode().put("typeReachable", "com.github.dockerjava.core.DockerClientImpl"))
                        .put("name", name).put("allDeclaredConstructors", true).put("allDeclaredMethods", true).put("allDeclaredFields", true);
            }
            Files.writeString(Path.of("src/main/resources").resolve(DOCKER_CONFIG), MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(config) + "\n");
        }
        assertEquals(expected, names(DOCKER_CONFIG), "run with -Dopenpaas.native.write=true to register docker-java's classes again");
    }

    @Test
    void jgitsRegisteredClassesAndMessagesExist() throws Exception {
        Set<String> names = names("META-INF/native-image/io.openpaas/openpaas-common/reflect-config.json");
        assertTrue(names.contains("org.eclipse.jgit.internal.JGitText"));
        for (String name : names) {
            Class.forName(name, false, getClass().getClassLoader()); // a renamed or removed class fails here
        }
        JsonNode resources = read("META-INF/native-image/io.openpaas/openpaas-common/resource-config.json");
        String bundle = resources.get("bundles").get(0).get("name").asText();
        assertNotNull(ResourceBundle.getBundle(bundle).getString("cannotReadFile"));
    }

    private static Set<String> names(String resource) throws Exception {
        Set<String> names = new TreeSet<>();
        read(resource).forEach(entry -> names.add(entry.get("name").asText()));
        return names;
    }

    private static JsonNode read(String resource) throws Exception {
        try (InputStream in = NativeImageConfigTest.class.getClassLoader().getResourceAsStream(resource)) {
            assertNotNull(in, resource);
            return MAPPER.readTree(in);
        }
    }
}
