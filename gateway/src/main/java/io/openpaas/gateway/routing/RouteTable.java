package io.openpaas.gateway.routing;

import io.openpaas.gateway.GatewayConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Which service owns a path (docs/contracts.md). Ordered: the first matching rule wins, so the
 * sub-resources of projects and services that other services own come before the general
 * rules of project-service.
 */
@ApplicationScoped
public class RouteTable {

    /** A path rule and the upstream it selects; {@code open} paths need no token. */
    public record Rule(Pattern path, Upstream upstream, boolean open) {
    }

    private final List<Rule> rules;
    private final List<Upstream> upstreams;

    public RouteTable(GatewayConfig config) {
        Upstream project = Upstream.of("project-service", config.projectUrl());
        Upstream build = Upstream.of("build-service", config.buildUrl());
        Upstream deploy = Upstream.of("deploy-service", config.deployUrl());
        Upstream secrets = Upstream.of("secrets-service", config.secretsUrl());
        Upstream audit = Upstream.of("audit-service", config.auditUrl());
        this.upstreams = List.of(project, build, deploy, secrets, audit);
        this.rules = List.of(
                rule("^/api/v1/auth/token$", project, true),
                rule("^/\\.well-known/jwks\\.json$", project, true),
                rule("^/api/v1/auth/keys/rotate$", project, false),
                rule("^/api/v1/projects/[^/]+/secrets(/.*)?$", secrets, false),
                rule("^/api/v1/admin/secrets/master-key/rotate$", secrets, false),
                rule("^/api/v1/services/[^/]+/(builds|git-credential|webhook)(/.*)?$", build, false),
                // Git hosts deliver pushes without a token: the delivery's signature is checked by build-service
                rule("^/api/v1/webhooks/git/[^/]+$", build, true),
                rule("^/api/v1/services/[^/]+/(deployments|scale|rollback|restart|status|logs)(/.*)?$", deploy, false),
                rule("^/api/v1/(users|tokens|projects|services)(/.*)?$", project, false),
                rule("^/api/v1/builds(/.*)?$", build, false),
                rule("^/api/v1/(deployments|clusters)(/.*)?$", deploy, false),
                rule("^/api/v1/audit(/.*)?$", audit, false),
                // every service keeps its own consumers' dead letters
                rule("^/api/v1/admin/dead-letters/project(/.*)?$", project, false),
                rule("^/api/v1/admin/dead-letters/build(/.*)?$", build, false),
                rule("^/api/v1/admin/dead-letters/deploy(/.*)?$", deploy, false),
                rule("^/api/v1/admin/dead-letters/secrets(/.*)?$", secrets, false),
                rule("^/api/v1/admin/dead-letters/audit(/.*)?$", audit, false));
    }

    private static Rule rule(String regex, Upstream upstream, boolean open) {
        return new Rule(Pattern.compile(regex), upstream, open);
    }

    public Optional<Rule> match(String path) {
        for (Rule rule : rules) {
            if (rule.path().matcher(path).matches()) {
                return Optional.of(rule);
            }
        }
        return Optional.empty();
    }

    public List<Upstream> upstreams() {
        return upstreams;
    }
}
