package io.openpaas.build.stacks;

/** A Dockerfile written for a repository that has none, and the stack it was written for. */
public record GeneratedDockerfile(String stack, String text) {
}
