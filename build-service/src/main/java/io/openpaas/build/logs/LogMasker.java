package io.openpaas.build.logs;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Pattern;

/**
 * Removes credentials from build output before it is stored or streamed: every secret the build
 * knows of (the Git token or key, registry password) wherever it appears, and anything shaped like
 * a credential in a URL or an Authorization header whatever its origin.
 */
public class LogMasker {

    public static final String MASK = "****";
    private static final Pattern URL_USERINFO = Pattern.compile("(?i)([a-z][a-z0-9+.-]*://)[^/@\\s:]*:[^/@\\s]*@");
    private static final Pattern AUTH_HEADER = Pattern.compile("(?i)(authorization:\\s*)(\\S+\\s+)?\\S+");

    private final List<String> secrets = new CopyOnWriteArrayList<>();

    /** Adds a secret; short values (under 4 characters) would mask ordinary words and are ignored. */
    public void add(String secret) {
        if (secret == null) {
            return;
        }
        for (String part : secret.split("\\R")) {
            String s = part.strip();
            if (s.length() >= 4 && !secrets.contains(s)) {
                secrets.add(s);
            }
        }
        // longest first, so a secret containing another is masked whole
        secrets.sort((a, b) -> b.length() - a.length());
    }

    public String mask(String line) {
        String out = line;
        for (String secret : secrets) {
            if (out.contains(secret)) {
                out = out.replace(secret, MASK);
            }
        }
        out = URL_USERINFO.matcher(out).replaceAll("$1" + MASK + "@");
        return AUTH_HEADER.matcher(out).replaceAll("$1" + MASK);
    }
}
