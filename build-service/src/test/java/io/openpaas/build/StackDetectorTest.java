package io.openpaas.build;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.openpaas.build.execution.BuildFailure;
import io.openpaas.build.stacks.GeneratedDockerfile;
import io.openpaas.build.stacks.StackDetector;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The Dockerfile generated for each supported stack, against golden files in
 * {@code src/test/resources/stacks/} (base images cannot be pulled here, so they are checked as
 * text; {@code -Dgolden.update=true} rewrites them after a deliberate change).
 */
class StackDetectorTest {

    static final Map<String, Map<String, String>> REPOSITORIES = Map.of(
            "go", Map.of("go.mod", "module example.com/app\n\ngo 1.23\n", "main.go", "package main\n"),
            "maven", Map.of("pom.xml", "<project><artifactId>app</artifactId></project>\n"),
            "maven-quarkus", Map.of("pom.xml", "<project><build><plugins><plugin><artifactId>quarkus-maven-plugin</artifactId></plugin></plugins></build></project>\n"),
            "gradle", Map.of("build.gradle.kts", "plugins { java }\n", "settings.gradle.kts", "rootProject.name = \"app\"\n"),
            "node", Map.of("package.json", "{\"name\":\"app\",\"scripts\":{\"start\":\"node server.js\"}}", "package-lock.json", "{}"),
            "node-main", Map.of("package.json", "{\"name\":\"app\",\"main\":\"src/index.js\"}", "yarn.lock", ""),
            "python", Map.of("requirements.txt", "flask==3.0.0\n", "app.py", "print('hi')\n"),
            "python-procfile", Map.of("pyproject.toml", "[project]\nname = \"app\"\n", "Procfile", "web: gunicorn app:app --bind 0.0.0.0:$PORT\n"),
            "static", Map.of("index.html", "<h1>hi</h1>\n"),
            "static-public", Map.of("public/index.html", "<h1>hi</h1>\n", "README.md", "docs\n"));

    final StackDetector detector = new StackDetector(new ObjectMapper());

    @ParameterizedTest
    @ValueSource(strings = {"go", "maven", "maven-quarkus", "gradle", "node", "node-main", "python", "python-procfile", "static", "static-public"})
    void generatesTheGoldenDockerfile(String stack, @TempDir Path repo) throws Exception {
        for (Map.Entry<String, String> file : REPOSITORIES.get(stack).entrySet()) {
            Files.createDirectories(repo.resolve(file.getKey()).getParent());
            Files.writeString(repo.resolve(file.getKey()), file.getValue());
        }
        GeneratedDockerfile generated = detector.generate(repo, 3000);
        Path golden = Path.of("src/test/resources/stacks", stack + ".Dockerfile");
        if (Boolean.getBoolean("golden.update")) {
            Files.writeString(golden, generated.text());
        }
        assertEquals(Files.readString(golden), generated.text(), "generated for " + generated.stack());
        String text = generated.text();
        assertTrue(text.contains("USER "), "runs as a non-root user");
        assertTrue(text.contains("EXPOSE 3000"), "listens on the service's port");
        if (!stack.startsWith("static")) {
            assertTrue(text.indexOf("FROM ") != text.lastIndexOf("FROM "), "multi-stage");
        }
    }

    @Test
    void aRepositoryWithNoKnownStackSaysWhatWasLookedFor(@TempDir Path repo) throws Exception {
        Files.writeString(repo.resolve("README.md"), "nothing to build\n");
        BuildFailure failure = assertThrows(BuildFailure.class, () -> detector.generate(repo, null));
        for (String marker : new String[] {"go.mod", "pom.xml", "build.gradle", "package.json", "requirements.txt", "pyproject.toml", "index.html"}) {
            assertTrue(failure.getMessage().contains(marker), failure.getMessage());
        }
    }
}
