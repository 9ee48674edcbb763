package io.openpaas.build.execution;

/** What a successful build produced: the commit it built and the image by digest ({@code repo@sha256:…}). */
public record BuildResult(String commitSha, String imageByDigest) {
}
