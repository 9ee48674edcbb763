package io.openpaas.common.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The event types the subject catalogue ({@code docs/asyncapi.yaml}) lists, read from the
 * repository the tests run in.
 */
public final class AsyncApiCatalogue {

    private static final Pattern MESSAGE_NAME = Pattern.compile("^\\s+name: (paas\\.[a-z]+\\.[a-z_]+)\\s*$", Pattern.MULTILINE);

    private AsyncApiCatalogue() {
    }

    /** The catalogue file, found from a module's directory or the repository root. */
    public static Path file() {
        return repositoryFile("docs/asyncapi.yaml");
    }

    /** A file of the repository, found upwards from the module under test (or the root). */
    public static Path repositoryFile(String relative) {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve(relative);
            if (Files.exists(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException(relative + " not found above " + Path.of("").toAbsolutePath());
    }

    /** Every listed type, e.g. {@code paas.project.created}. */
    public static Set<String> types() {
        try {
            Matcher m = MESSAGE_NAME.matcher(Files.readString(file()));
            Set<String> types = new TreeSet<>();
            while (m.find()) {
                types.add(m.group(1));
            }
            return types;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The type of an event published on {@code paas.<domain>.<project>.<event>}. */
    public static String typeOf(String subject) {
        String[] parts = subject.split("\\.", 4);
        return parts[0] + "." + parts[1] + "." + parts[3];
    }
}
