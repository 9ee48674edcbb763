package io.openpaas.build.credentials;

/**
 * A service's Git credential, decrypted, in memory only while a build runs: an HTTPS token (with
 * an optional user name) or an SSH deploy key (a private key in OpenSSH or PEM form).
 */
public record GitCredential(String kind, String username, String secret) {

    public static final String TOKEN = "token";
    public static final String SSH_KEY = "ssh_key";

    @Override
    public String toString() {
        return "GitCredential[" + kind + ", " + username + ", ****]";
    }
}
