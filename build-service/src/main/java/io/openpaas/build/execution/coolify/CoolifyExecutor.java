package io.openpaas.build.execution.coolify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.openpaas.build.builds.BuildState;
import io.openpaas.build.config.CoolifyConfig;
import io.openpaas.build.execution.BuildExecutor;
import io.openpaas.build.execution.BuildFailure;
import io.openpaas.build.execution.BuildJob;
import io.openpaas.build.execution.BuildResult;
import io.openpaas.build.execution.BuildRun;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Typed;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Builds through Coolify (docs/builds.md): the Coolify application that builds the same repository
 * and branch is deployed ({@code POST /api/v1/deploy?uuid=…}), its deployment followed
 * ({@code GET /api/v1/deployments/{uuid}}: queued → in_progress → finished | failed |
 * cancelled-by-user) with its log entries copied as they appear, and cancelled through
 * {@code POST /api/v1/deployments/{uuid}/cancel}. Coolify builds and runs the image itself and
 * reports no registry digest: the result names the application and the commit instead.
 */
@ApplicationScoped
@Typed(CoolifyExecutor.class)
public class CoolifyExecutor implements BuildExecutor {

    private final CoolifyConfig config;
    private final ObjectMapper mapper;

    public CoolifyExecutor(CoolifyConfig config, ObjectMapper mapper) {
        this.config = config;
        this.mapper = mapper;
    }

    @Override
    public String name() {
        return "coolify";
    }

    @Override
    public BuildResult build(BuildJob job, BuildRun run) throws BuildFailure, InterruptedException {
        if (!job.secrets().isEmpty()) {
            throw new BuildFailure("build secrets " + job.secrets() + " are given to builds by the local executor only; Coolify does not take them");
        }
        CoolifyClient coolify = new CoolifyClient(config, mapper);
        String application = application(coolify.get("/api/v1/applications", run), job);
        run.log("[coolify] deploying application " + application);
        JsonNode queued = coolify.post("/api/v1/deploy?uuid=" + encode(application) + "&force=false", run);
        JsonNode first = queued.path("deployments").path(0);
        String deployment = first.path("deployment_uuid").asText(null);
        if (deployment == null) {
            throw new BuildFailure("Coolify queued no deployment: " + first.path("message").asText("no answer"));
        }
        run.log("[coolify] " + first.path("message").asText("deployment queued") + " (" + deployment + ")");
        int shown = 0;
        while (true) {
            if (run.stopped()) {
                cancel(coolify, deployment, run);
                return null;
            }
            JsonNode status = coolify.get("/api/v1/deployments/" + encode(deployment), run);
            shown = copyLogs(status.path("logs"), shown, run);
            switch (status.path("status").asText("")) {
                case "in_progress" -> {
                    if (!run.enter(BuildState.BUILDING)) {
                        continue;
                    }
                }
                case "finished" -> {
                    String commit = status.path("commit").asText(null);
                    if (commit != null && !commit.isBlank() && !"HEAD".equals(commit)) {
                        run.resolved(commit);
                    }
                    run.enter(BuildState.BUILDING);
                    if (!run.enter(BuildState.PUSHING)) {
                        continue;
                    }
                    return new BuildResult(commit, "coolify:" + application + (commit == null ? "" : "@" + commit));
                }
                case "failed" -> throw new BuildFailure("the Coolify deployment " + deployment + " failed" + lastOutput(status.path("logs")));
                case "cancelled-by-user" -> throw new BuildFailure("the Coolify deployment " + deployment + " was cancelled in Coolify");
                default -> {
                    // queued: wait
                }
            }
            Thread.sleep(config.pollInterval().toMillis());
        }
    }

    /** The application building this repository and branch; exactly one must match. */
    private static String application(JsonNode applications, BuildJob job) throws BuildFailure {
        List<String> matches = new ArrayList<>();
        String wanted = normalise(job.repository());
        String branch = job.branch();
        for (JsonNode app : applications) {
            boolean sameRepository = normalise(app.path("git_repository").asText("")).equals(wanted)
                    || normalise(app.path("git_full_url").asText("")).equals(wanted)
                    || wanted.endsWith("/" + normalise(app.path("git_repository").asText("-")));
            if (sameRepository && (branch == null || branch.equals(app.path("git_branch").asText(branch)))) {
                matches.add(app.path("uuid").asText());
            }
        }
        if (matches.size() != 1) {
            throw new BuildFailure(matches.isEmpty()
                    ? "no Coolify application builds " + job.repository() + (branch == null ? "" : " (branch " + branch + ")")
                            + "; create one in Coolify for this repository"
                    : "several Coolify applications build " + job.repository() + ": " + matches);
        }
        return matches.get(0);
    }

    private static String normalise(String repository) {
        return repository.toLowerCase(Locale.ROOT).replaceFirst("^[a-z+]+://", "").replaceFirst("^[^@/]+@", "")
                .replace(':', '/').replaceAll("\\.git$", "").replaceAll("/+$", "");
    }

    /** Coolify's {@code logs} is a JSON string holding an array of entries; hidden ones are internal. */
    private int copyLogs(JsonNode logs, int shown, BuildRun run) {
        JsonNode entries = entries(logs);
        int index = 0;
        int visible = 0;
        for (JsonNode entry : entries) {
            index++;
            if (entry.path("hidden").asBoolean(false)) {
                continue;
            }
            visible++;
            if (visible > shown) {
                for (String line : entry.path("output").asText("").split("\n")) {
                    run.log("[coolify] " + line);
                }
            }
        }
        return Math.max(shown, visible);
    }

    private String lastOutput(JsonNode logs) {
        JsonNode entries = entries(logs);
        for (int i = entries.size() - 1; i >= 0; i--) {
            JsonNode entry = entries.get(i);
            if (!entry.path("hidden").asBoolean(false) && !entry.path("output").asText("").isBlank()) {
                String output = entry.path("output").asText().strip();
                return ": " + (output.length() > 300 ? output.substring(0, 300) + "…" : output);
            }
        }
        return "";
    }

    private JsonNode entries(JsonNode logs) {
        try {
            JsonNode parsed = logs.isTextual() ? mapper.readTree(logs.asText()) : logs;
            return parsed != null && parsed.isArray() ? parsed : mapper.createArrayNode();
        } catch (IOException e) {
            return mapper.createArrayNode();
        }
    }

    private static void cancel(CoolifyClient coolify, String deployment, BuildRun run) throws InterruptedException {
        try {
            coolify.post("/api/v1/deployments/" + encode(deployment) + "/cancel", run);
            run.log("[coolify] deployment " + deployment + " cancelled");
        } catch (BuildFailure e) {
            run.log("[coolify] could not cancel deployment " + deployment + ": " + e.getMessage());
        }
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
