package io.openpaas.build.sources;

import io.openpaas.build.config.BuildConfig;
import io.openpaas.common.problem.ProblemException;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which repositories the platform may clone (docs/builds.md): {@code https://}, {@code ssh://} and
 * scp-style {@code user@host:path} always; {@code file://}, plain {@code http://} and loopback
 * hosts only where the configuration allows local repositories; link-local and cloud metadata
 * addresses never, judged after DNS resolution so a name cannot smuggle them in. A password or
 * token written into the URL is refused: it belongs in the service's Git credential, which is
 * stored encrypted and never shown.
 */
@ApplicationScoped
public class RepositoryPolicy {

    public static final String FIELD = "build_source.repository";
    private static final Pattern SCP = Pattern.compile("^([A-Za-z0-9._-]+)@([A-Za-z0-9.-]+):(?!//)(\\S+)$");
    private static final Set<String> METADATA_NAMES = Set.of("metadata.google.internal", "metadata", "instance-data",
            "metadata.azure.com", "instance-data.ec2.internal");

    private final BuildConfig config;

    public RepositoryPolicy(BuildConfig config) {
        this.config = config;
    }

    /** The repository's host after the static checks (null for {@code file://}); throws a 400 problem. */
    public String checkSyntax(String url) {
        if (url == null || url.isBlank()) {
            throw ProblemException.invalidField(FIELD, "the service has no repository to build from");
        }
        Matcher scp = SCP.matcher(url);
        if (scp.matches()) {
            return checkHostName(scp.group(2));
        }
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw ProblemException.invalidField(FIELD, "is not a valid URL");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        switch (scheme) {
            case "https", "ssh" -> {
            }
            case "http" -> requireLocal("plain http:// repositories");
            case "file" -> {
                requireLocal("file:// repositories");
                return null;
            }
            default -> throw ProblemException.invalidField(FIELD, "must use https://, ssh:// or user@host:path (got '" + scheme + "')");
        }
        String userInfo = uri.getRawUserInfo();
        if (userInfo != null && (userInfo.contains(":") || "https".equals(scheme) || "http".equals(scheme))) {
            throw ProblemException.invalidField(FIELD, "must not contain a user name, password or token: set them as the service's "
                    + "Git credential (PUT /api/v1/services/{id}/git-credential), which is stored encrypted");
        }
        if (uri.getHost() == null) {
            throw ProblemException.invalidField(FIELD, "has no host");
        }
        return checkHostName(uri.getHost());
    }

    /** Resolves the host and refuses addresses the platform must never reach. Blocking (DNS). */
    public void checkAddresses(String host) {
        if (host == null) {
            return;
        }
        InetAddress[] addresses;
        try {
            addresses = InetAddress.getAllByName(host.startsWith("[") ? host.substring(1, host.length() - 1) : host);
        } catch (UnknownHostException e) {
            throw ProblemException.invalidField(FIELD, "host '" + host + "' does not resolve");
        }
        for (InetAddress address : addresses) {
            if (address.isLinkLocalAddress() || isMetadata(address) || address.isAnyLocalAddress() || address.isMulticastAddress()) {
                throw ProblemException.invalidField(FIELD, "host '" + host + "' resolves to " + address.getHostAddress()
                        + ", a link-local or metadata address the platform never connects to");
            }
            if (address.isLoopbackAddress() && !config.allowLocalRepositories()) {
                throw ProblemException.invalidField(FIELD, "host '" + host + "' is this machine (loopback); local repositories are not "
                        + "allowed here (openpaas.build.allow-local-repositories)");
            }
        }
    }

    private String checkHostName(String host) {
        String lower = host.toLowerCase(Locale.ROOT);
        if (METADATA_NAMES.contains(lower)) {
            throw ProblemException.invalidField(FIELD, "host '" + host + "' is a cloud metadata service");
        }
        return lower;
    }

    private void requireLocal(String what) {
        if (!config.allowLocalRepositories()) {
            throw ProblemException.invalidField(FIELD, what + " are not allowed here; use https:// or ssh://");
        }
    }

    private static boolean isMetadata(InetAddress address) {
        byte[] b = address.getAddress();
        // 169.254.169.254 is link-local already; AWS's IPv6 endpoint fd00:ec2::254 and Alibaba's 100.100.100.200 are not
        if (b.length == 4) {
            return (b[0] & 0xff) == 100 && (b[1] & 0xff) == 100 && (b[2] & 0xff) == 100 && (b[3] & 0xff) == 200;
        }
        return (b[0] & 0xff) == 0xfd && b[1] == 0 && (b[2] & 0xff) == 0x0e && (b[3] & 0xff) == 0xc2
                && (b[14] & 0xff) == 0x02 && (b[15] & 0xff) == 0x54;
    }
}
