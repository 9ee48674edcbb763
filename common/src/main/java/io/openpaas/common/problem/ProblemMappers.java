package io.openpaas.common.problem;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import io.quarkus.logging.Log;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import io.vertx.pgclient.PgException;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.ConstraintViolationException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * Turns every exception that reaches a REST resource into an RFC 9457 answer. Nothing internal
 * (class names, SQL, stack traces) reaches the client; unexpected failures are logged with an
 * id that the answer repeats, so an operator can find them.
 */
public class ProblemMappers {

    @ServerExceptionMapper
    public Response problem(ProblemException e) {
        return respond(e.toProblem());
    }

    @ServerExceptionMapper
    public Response validation(ConstraintViolationException e) {
        List<Problem.FieldError> errors = e.getConstraintViolations().stream()
                .map(v -> new Problem.FieldError(fieldOf(v), v.getMessage()))
                .sorted(Comparator.comparing(Problem.FieldError::field))
                .toList();
        String detail = errors.stream().map(f -> f.field() + " " + f.message()).collect(Collectors.joining("; "));
        return respond(new Problem(ProblemType.VALIDATION.uri(), ProblemType.VALIDATION.title(), 400, detail, null, errors));
    }

    @ServerExceptionMapper(priority = 1)
    public Response unknownField(UnrecognizedPropertyException e) {
        return respond(invalidField(pathOf(e), "unknown field"));
    }

    @ServerExceptionMapper(priority = 1)
    public Response wrongType(MismatchedInputException e) {
        String field = pathOf(e);
        if (field.isEmpty()) {
            return respond(ProblemType.MALFORMED_JSON.problem("the request body is not the expected JSON object"));
        }
        String expected = e.getTargetType() == null ? "another type" : simpleType(e.getTargetType());
        return respond(invalidField(field, "expected " + expected));
    }

    @ServerExceptionMapper(priority = 1)
    public Response invalidFormat(com.fasterxml.jackson.databind.exc.InvalidFormatException e) {
        String field = pathOf(e);
        if (e.getValue() instanceof String text && text.indexOf('\0') >= 0) {
            return respond(invalidField(field, io.openpaas.common.json.StorableStrings.NUL_REFUSED));
        }
        return wrongType(e);
    }

    @ServerExceptionMapper(priority = 1)
    public Response malformed(JsonParseException e) {
        return respond(ProblemType.MALFORMED_JSON.problem("the request body is not valid JSON (line "
                + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")"));
    }

    @ServerExceptionMapper(priority = 2)
    public Response json(JsonProcessingException e) {
        if (e instanceof JsonMappingException m && !pathOf(m).isEmpty()) {
            return respond(invalidField(pathOf(m), "invalid value"));
        }
        return respond(ProblemType.MALFORMED_JSON.problem("the request body is not valid JSON"));
    }

    @ServerExceptionMapper
    public Response unauthorized(UnauthorizedException e) {
        return respond(ProblemType.UNAUTHORIZED.problem("a valid bearer token is required"));
    }

    @ServerExceptionMapper
    public Response authenticationFailed(AuthenticationFailedException e) {
        return respond(ProblemType.UNAUTHORIZED.problem("a valid bearer token is required"));
    }

    @ServerExceptionMapper
    public Response forbidden(ForbiddenException e) {
        return respond(ProblemType.FORBIDDEN.problem("your role does not allow this action"));
    }

    @ServerExceptionMapper
    public Response database(PgException e) {
        return unexpected(e);
    }

    @ServerExceptionMapper
    public Response web(WebApplicationException e) {
        int status = e.getResponse().getStatus();
        ProblemType type = switch (status) {
            case 400 -> ProblemType.BAD_REQUEST;
            case 401 -> ProblemType.UNAUTHORIZED;
            case 403 -> ProblemType.FORBIDDEN;
            case 404 -> ProblemType.NOT_FOUND;
            case 405 -> ProblemType.METHOD_NOT_ALLOWED;
            case 406 -> ProblemType.NOT_ACCEPTABLE;
            case 413 -> ProblemType.PAYLOAD_TOO_LARGE;
            case 415 -> ProblemType.UNSUPPORTED_MEDIA_TYPE;
            default -> status >= 500 ? ProblemType.INTERNAL : ProblemType.BAD_REQUEST;
        };
        if (type == ProblemType.INTERNAL) {
            return unexpected(e);
        }
        Throwable cause = e.getCause();
        if (cause instanceof JsonProcessingException json) {
            return json(json);
        }
        String detail = switch (type) {
            case NOT_FOUND -> "no resource at this path";
            case METHOD_NOT_ALLOWED -> "this method is not allowed on this resource";
            case UNSUPPORTED_MEDIA_TYPE -> "send the body as application/json";
            case NOT_ACCEPTABLE -> "this resource answers application/json";
            default -> type.title().toLowerCase();
        };
        return respond(type.problem(detail));
    }

    @ServerExceptionMapper
    public Response unexpected(Throwable e) {
        if (e instanceof ProblemException p) {
            return problem(p);
        }
        Problem known = knownCause(e);
        if (known != null) {
            return respond(known);
        }
        if (io.openpaas.common.consumer.TransientFailures.isTransient(e)) {
            // the database (or another dependency) is away for a moment: say so, and when to retry
            Log.warnf("request failed on an unavailable dependency: %s", e.toString());
            return Response.fromResponse(respond(ProblemType.UNAVAILABLE.problem("a dependency of this service is unavailable; retry shortly")))
                    .header("Retry-After", "2").build();
        }
        String incident = UUID.randomUUID().toString();
        Log.errorf(e, "unexpected failure, incident %s", incident);
        return respond(ProblemType.INTERNAL.problem("an unexpected error occurred; quote incident " + incident + " when reporting it"));
    }

    /**
     * Failures a client causes that surface from the persistence layer, wrapped or not: a lost
     * optimistic-lock race (412, the If-Match contract), a unique index or a serialization
     * failure catching a race the service's checks could not see (409), text PostgreSQL
     * cannot store (400).
     */
    static Problem knownCause(Throwable e) {
        java.util.Set<Throwable> seen = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        for (Throwable t = e; t != null && seen.add(t); t = t.getCause()) {
            if (t instanceof ProblemException p) {
                return p.toProblem();
            }
            String name = t.getClass().getSimpleName();
            if (name.equals("OptimisticLockException") || name.equals("StaleObjectStateException") || name.equals("StaleStateException")) {
                return ProblemType.PRECONDITION_FAILED.problem("the resource was changed by another request; read it again and retry with its new ETag");
            }
            if (t instanceof PgException pg) {
                switch (String.valueOf(pg.getSqlState())) {
                    case "23505":
                        return ProblemType.CONFLICT.problem("the resource already exists or was changed concurrently");
                    case "40001", "40P01":
                        return ProblemType.CONFLICT.problem("the resource was changed concurrently; retry the request");
                    case "22021", "22P05":
                        return ProblemType.BAD_REQUEST.problem("a value holds a character that cannot be stored (such as U+0000)");
                    default:
                        return null;
                }
            }
        }
        return null;
    }

    private static Problem invalidField(String field, String message) {
        return ProblemException.invalidField(field, message).toProblem();
    }

    public static Response respond(Problem problem) {
        return Response.status(problem.status()).type(Problem.MEDIA_TYPE).entity(problem).build();
    }

    private static String fieldOf(ConstraintViolation<?> v) {
        // "create.request.name" → "name": drop the method and parameter segments
        // and name fields as they are on the wire (snake_case), not as Java names them
        String path = v.getPropertyPath().toString();
        String[] parts = path.split("\\.");
        String field = parts.length <= 2 ? parts[parts.length - 1] : String.join(".", java.util.Arrays.copyOfRange(parts, 2, parts.length));
        return field.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toLowerCase(java.util.Locale.ROOT);
    }

    private static String pathOf(JsonMappingException e) {
        StringBuilder sb = new StringBuilder();
        for (JsonMappingException.Reference ref : e.getPath()) {
            if (ref.getFieldName() != null) {
                if (!sb.isEmpty()) {
                    sb.append('.');
                }
                sb.append(ref.getFieldName());
            } else if (ref.getIndex() >= 0) {
                sb.append('[').append(ref.getIndex()).append(']');
            }
        }
        return sb.toString();
    }

    private static String simpleType(Class<?> type) {
        if (type == String.class) {
            return "a string";
        }
        if (Number.class.isAssignableFrom(type) || type == int.class || type == long.class) {
            return "a number";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "true or false";
        }
        if (List.class.isAssignableFrom(type) || type.isArray()) {
            return "an array";
        }
        if (type == UUID.class) {
            return "a UUID";
        }
        return "an object";
    }
}
