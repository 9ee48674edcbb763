package io.openpaas.project.projects.service;

import java.text.Normalizer;
import java.util.Locale;

/** Slugs are DNS labels (RFC 1123) so they can name Kubernetes objects and hostnames. */
public final class Slugs {

    public static final String PATTERN = "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$";
    public static final String MESSAGE = "must be lower-case letters, digits and '-', starting and ending with a letter or digit";

    private Slugs() {
    }

    /** "My App!" → "my-app"; empty when the name has no usable character. */
    public static String fromName(String name) {
        String ascii = Normalizer.normalize(name, Normalizer.Form.NFD).replaceAll("\\p{M}", "");
        String slug = ascii.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("(^-+)|(-+$)", "");
        if (slug.length() > 63) {
            slug = slug.substring(0, 63).replaceAll("-+$", "");
        }
        return slug;
    }
}
