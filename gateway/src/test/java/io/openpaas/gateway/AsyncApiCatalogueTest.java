package io.openpaas.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.openpaas.common.testing.AsyncApiCatalogue;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every event type the code names is in the subject catalogue: types written out
 * ({@code "paas.security.denied"}) and the events appended to an outbox
 * ({@code outbox.append(Domain.PROJECT, …, "created", …)}, {@code Subjects.type(Domain.X, "e")}).
 * Each service's contract test adds the types it actually published.
 */
class AsyncApiCatalogueTest {

    private static final Pattern LITERAL_TYPE = Pattern.compile("\"(paas\\.[a-z]+\\.[a-z_]+)\"");
    private static final Pattern APPENDED = Pattern.compile("(?:append|type)\\(Domain\\.([A-Z]+),(?:[^\"();]|\\([^()]*\\))*\"([a-z_]+)\"");

    @Test
    void everyTypeTheCodeNamesIsCatalogued() throws IOException {
        Set<String> named = new TreeSet<>();
        Path root = AsyncApiCatalogue.file().getParent().getParent();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file : files.filter(p -> p.toString().endsWith(".java") && p.toString().contains("/src/main/java/")).toList()) {
                String code = Files.readString(file);
                Matcher literal = LITERAL_TYPE.matcher(code);
                while (literal.find()) {
                    named.add(literal.group(1));
                }
                Matcher appended = APPENDED.matcher(code);
                while (appended.find()) {
                    named.add("paas." + appended.group(1).toLowerCase() + "." + appended.group(2));
                }
            }
        }
        assertTrue(named.size() >= 15, "the scan finds the platform's event types: " + named);
        Set<String> missing = new TreeSet<>(named);
        missing.removeAll(AsyncApiCatalogue.types());
        assertEquals(Set.of(), missing, "event types named in code but missing from docs/asyncapi.yaml");
    }
}
