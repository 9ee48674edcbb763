package io.openpaas.build.sources;

import io.openpaas.common.problem.ProblemException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Dockerfile and build-context paths of a service: relative, inside the repository. Checked as
 * text when a build is asked for (400), and again on the checked-out files, where a symbolic link
 * could still point outside (the build fails).
 */
public final class BuildPaths {

    private BuildPaths() {
    }

    /** Throws a 400 problem for a path that is absolute or climbs out of the repository. */
    public static void checkText(String field, String path) {
        if (path == null) {
            return;
        }
        if (path.isBlank() || path.length() > 255 || path.startsWith("/") || path.contains("\\") || path.indexOf('\0') >= 0
                || path.matches("^[A-Za-z]:.*")) {
            throw ProblemException.invalidField(field, "must be a relative path inside the repository");
        }
        for (String part : path.split("/")) {
            if (part.equals("..")) {
                throw ProblemException.invalidField(field, "must not leave the repository ('..')");
            }
        }
    }

    /** The path resolved in the checkout, following links, or null when it leaves the checkout or does not exist. */
    public static Path resolveInside(Path checkout, String relative) throws IOException {
        Path root = checkout.toRealPath();
        Path candidate = root.resolve(relative == null || relative.isBlank() ? "." : relative).normalize();
        if (!Files.exists(candidate)) {
            return null;
        }
        Path real = candidate.toRealPath();
        return real.startsWith(root) ? real : null;
    }
}
