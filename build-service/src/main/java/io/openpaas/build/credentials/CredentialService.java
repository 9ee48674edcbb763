package io.openpaas.build.credentials;

import io.openpaas.build.credentials.api.GitCredentialRequest;
import io.openpaas.build.sources.ServiceSource;
import io.openpaas.build.sources.ServiceSources;
import io.openpaas.common.events.Domain;
import io.openpaas.common.members.ProjectAuthorizer;
import io.openpaas.common.outbox.Outbox;
import io.openpaas.common.persistence.Transactions;
import io.openpaas.common.problem.ProblemException;
import io.openpaas.common.security.Caller;
import io.openpaas.common.security.Roles;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.UUID;

/**
 * Git credentials of services: developers set and remove them, members see whether one is set;
 * the change is an event naming the service and the kind of credential, never its value.
 */
@ApplicationScoped
public class CredentialService {

    private final GitCredentials credentials;
    private final ServiceSources sources;
    private final ProjectAuthorizer authorizer;
    private final Outbox outbox;
    private final Transactions tx;

    public CredentialService(GitCredentials credentials, ServiceSources sources, ProjectAuthorizer authorizer, Outbox outbox,
            Transactions tx) {
        this.credentials = credentials;
        this.sources = sources;
        this.authorizer = authorizer;
        this.outbox = outbox;
        this.tx = tx;
    }

    public Uni<GitCredentials.CredentialView> put(Caller caller, UUID serviceId, GitCredentialRequest request) {
        GitCredential credential = validate(request);
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        return allowed(caller, serviceId, Roles.DEVELOPER)
                .chain(source -> tx.write(() -> credentials.put(serviceId, credential, now)
                        .call(() -> outbox.append(Domain.BUILD, source.projectId(), "credential_set", serviceId,
                                Map.of("service_id", serviceId, "type", credential.kind())))))
                .replaceWith(new GitCredentials.CredentialView(credential.kind(), credential.username(), now));
    }

    public Uni<GitCredentials.CredentialView> describe(Caller caller, UUID serviceId) {
        return allowed(caller, serviceId, Roles.VIEWER)
                .chain(source -> credentials.describe(serviceId))
                .onItem().ifNull().failWith(() -> ProblemException.notFound("git credential of service", serviceId));
    }

    public Uni<Void> delete(Caller caller, UUID serviceId) {
        return allowed(caller, serviceId, Roles.DEVELOPER)
                .chain(source -> tx.write(() -> credentials.delete(serviceId).chain(existed -> {
                    if (!existed) {
                        throw ProblemException.notFound("git credential of service", serviceId);
                    }
                    return outbox.append(Domain.BUILD, source.projectId(), "credential_removed", serviceId, Map.of("service_id", serviceId));
                }))).replaceWithVoid();
    }

    private Uni<ServiceSource> allowed(Caller caller, UUID serviceId, String role) {
        return sources.require(serviceId).call(source -> authorizer.require(caller, source.projectId(), role));
    }

    private static GitCredential validate(GitCredentialRequest request) {
        if (GitCredential.TOKEN.equals(request.type())) {
            if (request.token() == null || request.token().isBlank() || request.token().chars().anyMatch(Character::isWhitespace)) {
                throw ProblemException.invalidField("token", "is required for type 'token', without spaces or line breaks");
            }
            if (request.privateKey() != null) {
                throw ProblemException.invalidField("private_key", "is only for type 'ssh_key'");
            }
            return new GitCredential(GitCredential.TOKEN, blankToNull(request.username()), request.token());
        }
        if (request.privateKey() == null || !request.privateKey().contains("PRIVATE KEY-----")) {
            throw ProblemException.invalidField("private_key", "is required for type 'ssh_key': the deploy key's private key "
                    + "(-----BEGIN OPENSSH PRIVATE KEY----- …)");
        }
        if (request.token() != null) {
            throw ProblemException.invalidField("token", "is only for type 'token'");
        }
        return new GitCredential(GitCredential.SSH_KEY, blankToNull(request.username()), request.privateKey());
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
