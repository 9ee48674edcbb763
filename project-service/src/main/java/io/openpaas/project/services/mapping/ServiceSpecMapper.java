package io.openpaas.project.services.mapping;

import com.fasterxml.jackson.core.type.TypeReference;
import io.openpaas.common.json.Json;
import io.openpaas.project.services.ServiceSpec;
import io.openpaas.project.services.api.BuildSource;
import io.openpaas.project.services.api.PortSpec;
import io.openpaas.project.services.api.RuntimeSpec;
import io.openpaas.project.services.api.ServiceView;
import io.openpaas.project.services.api.UpdateServiceRequest;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Objects;

/** Entity ↔ API shapes of services, including the JSON columns; PATCH semantics live here. */
@ApplicationScoped
public class ServiceSpecMapper {

    private static final TypeReference<List<PortSpec>> PORTS = new TypeReference<>() {
    };

    private final Json json;

    public ServiceSpecMapper(Json json) {
        this.json = json;
    }

    public ServiceView toView(ServiceSpec s) {
        BuildSource source = json.read(s.buildSource, BuildSource.class);
        List<PortSpec> ports = json.read(s.ports, PORTS);
        RuntimeSpec r = runtime(s).withDefaults(source, ports);
        return new ServiceView(s.id, s.projectId, s.name, s.slug, s.type, source, ports, r.env(), r.command(), r.args(), r.resources(),
                r.replicas(), r.healthCheck(), r.autoDeploy(), r.autoRollback(), s.createdAt, s.updatedAt, s.version);
    }

    /** The stored runtime, without defaults ({@code {}} for a service saved before it existed). */
    public RuntimeSpec runtime(ServiceSpec s) {
        return s.runtime == null || s.runtime.isBlank() ? new RuntimeSpec(null, null, null, null, null, null, null, null)
                : json.read(s.runtime, RuntimeSpec.class);
    }

    public String write(Object value) {
        return json.write(value);
    }

    /** Applies the fields present in the patch; answers whether anything changed. */
    public boolean applyPatch(ServiceSpec s, UpdateServiceRequest patch) {
        String before = s.name + s.type + s.buildSource + s.ports + s.runtime;
        if (patch.name() != null) {
            s.name = patch.name().strip();
        }
        if (patch.type() != null) {
            s.type = patch.type();
        }
        if (patch.buildSource() != null) {
            s.buildSource = write(patch.buildSource());
        }
        if (patch.ports() != null) {
            s.ports = write(patch.ports());
        }
        // the stored runtime keeps its defaults explicit, so a later default changes no running service
        s.runtime = write(runtime(s).patchedWith(patch.runtime()).withDefaults(json.read(s.buildSource, BuildSource.class), List.of()));
        return !Objects.equals(before, s.name + s.type + s.buildSource + s.ports + s.runtime);
    }
}
