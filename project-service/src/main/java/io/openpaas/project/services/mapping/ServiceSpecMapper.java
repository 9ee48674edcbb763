package io.openpaas.project.services.mapping;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
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

    private final ObjectMapper mapper;

    public ServiceSpecMapper(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    public ServiceView toView(ServiceSpec s) {
        try {
            return new ServiceView(s.id, s.projectId, s.name, s.slug, s.type, mapper.readValue(s.buildSource, BuildSource.class),
                    mapper.readValue(s.ports, PORTS), s.createdAt, s.updatedAt, s.version);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("service " + s.id + " has unreadable stored JSON", e);
        }
    }

    public String write(Object value) {
        try {
            return mapper.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
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
