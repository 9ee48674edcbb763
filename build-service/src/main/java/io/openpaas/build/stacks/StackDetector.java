package io.openpaas.build.stacks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.openpaas.build.execution.BuildFailure;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Writes a Dockerfile for a repository that has none, from the stack its files show (docs/builds.md):
 * Go, Java with Maven or Gradle, Node.js, Python, or a static site, looked for in that order.
 * Each follows its ecosystem's good practice: dependencies resolved in a layer of their own before
 * the sources are copied (so a source change reuses them), a build stage apart from a slim
 * runtime stage, and a non-root user. The app listens on the service's first port, told through
 * {@code PORT}.
 */
@ApplicationScoped
public class StackDetector {

    static final String LOOKED_FOR = "go.mod (Go), pom.xml (Maven), build.gradle or build.gradle.kts (Gradle), package.json (Node.js), "
            + "requirements.txt or pyproject.toml (Python), index.html at the root or in public/ (static site)";
    private final ObjectMapper mapper;

    public StackDetector(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    public GeneratedDockerfile generate(Path context, Integer servicePort) throws BuildFailure {
        int port = servicePort == null || servicePort <= 0 ? 8080 : servicePort;
        try {
            if (exists(context, "go.mod")) {
                return new GeneratedDockerfile("Go", Templates.go(port));
            }
            if (exists(context, "pom.xml")) {
                boolean quarkus = Files.readString(context.resolve("pom.xml")).contains("quarkus-maven-plugin");
                return new GeneratedDockerfile("Java (Maven)", Templates.maven(port, quarkus));
            }
            if (exists(context, "build.gradle") || exists(context, "build.gradle.kts")) {
                return new GeneratedDockerfile("Java (Gradle)", Templates.gradle(port));
            }
            if (exists(context, "package.json")) {
                return new GeneratedDockerfile("Node.js", node(context, port));
            }
            if (exists(context, "requirements.txt") || exists(context, "pyproject.toml")) {
                return new GeneratedDockerfile("Python", Templates.python(port, exists(context, "requirements.txt"), pythonCommand(context)));
            }
            for (String dir : new String[] {".", "public"}) {
                if (exists(context.resolve(dir), "index.html")) {
                    return new GeneratedDockerfile("static site", Templates.staticSite(port, dir));
                }
            }
        } catch (IOException e) {
            throw new BuildFailure("could not read the repository to detect its stack: " + e.getMessage());
        }
        throw new BuildFailure("the repository has no Dockerfile and no stack could be detected: looked for " + LOOKED_FOR
                + "; add a Dockerfile or set build_source.dockerfile");
    }

    private String node(Path context, int port) throws IOException {
        JsonNode pkg;
        try {
            pkg = mapper.readTree(context.resolve("package.json").toFile());
        } catch (IOException e) {
            pkg = mapper.createObjectNode();
        }
        String start;
        if (pkg.path("scripts").has("start")) {
            start = "[\"npm\", \"start\"]";
        } else {
            String main = pkg.path("main").isTextual() ? pkg.path("main").asText() : "index.js";
            start = "[\"node\", " + mapper.writeValueAsString(main) + "]";
        }
        String install = exists(context, "yarn.lock") ? "yarn install --frozen-lockfile"
                : exists(context, "package-lock.json") ? "npm ci" : "npm install";
        String prune = exists(context, "yarn.lock") ? "yarn install --frozen-lockfile --production" : "npm prune --omit=dev";
        return Templates.node(port, install, prune, start);
    }

    /** Procfile's web command, else the first of main.py, app.py, server.py. */
    private static String pythonCommand(Path context) throws IOException {
        if (exists(context, "Procfile")) {
            Optional<String> web = Files.readAllLines(context.resolve("Procfile")).stream()
                    .filter(l -> l.startsWith("web:")).map(l -> l.substring(4).strip()).findFirst();
            if (web.isPresent()) {
                return "[\"sh\", \"-c\", \"" + web.get().replace("\\", "\\\\").replace("\"", "\\\"") + "\"]";
            }
        }
        for (String file : new String[] {"main.py", "app.py", "server.py"}) {
            if (exists(context, file)) {
                return "[\"python\", \"" + file + "\"]";
            }
        }
        return "[\"python\", \"main.py\"]";
    }

    private static boolean exists(Path dir, String name) {
        return Files.isRegularFile(dir.resolve(name));
    }
}
