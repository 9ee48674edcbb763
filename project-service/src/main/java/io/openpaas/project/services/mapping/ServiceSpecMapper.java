package io.openpaas.project.services.mapping;

import com.fasterxml.jackson.core.type.TypeReference;
import io.openpaas.common.json.Json;
import io.openpaas.project.services.ServiceSpec;
import io.openpaas.project.services.api.BuildSource;
import io.openpaas.project.services.api.PortSpec;
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
        return new ServiceView(s.id, s.projectId, s.name, s.slug, s.type, json.read(s.buildSource, BuildSource.class),
                json.read(s.ports, PORTS), s.createdAt, s.updatedAt, s.version);
    }

    public String write(Object value) {
        return json.write(value);
    }

    /** Applies the fields present in the patch; answers whether anything changed. */
    public boolean applyPatch(ServiceSpec s, UpdateServiceRequest patch) {
        String before = s.name + s.type + s.buildSource + s.ports;
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
        return !Objects.equals(before, s.name + s.type + s.buildSource + s.ports);
    }
}
