package io.openpaas.gateway.delivery;

import com.marcnuri.helm.Helm;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;

/** Reads the repository's delivery files (deploy/, docker-compose.yml) and what the code reads, for the tests of docs/delivery.md. */
final class DeliveryFiles {

    static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    static final Path CHART = ROOT.resolve("deploy/helm/openpaas");
    static final Path MANIFESTS = ROOT.resolve("deploy/kubernetes/openpaas.yaml");
    static final List<String> SERVICES = List.of("gateway", "project-service", "build-service", "deploy-service", "secrets-service", "audit-service");
    /** The chart's release name and namespace of deploy/kubernetes/openpaas.yaml. */
    static final String RELEASE = "openpaas";

    private static final Pattern METRIC = Pattern.compile("\\b(openpaas_[a-z_]+|http_server_requests_seconds_[a-z]+)\\b");

    private DeliveryFiles() {
    }

    /** Every document of a YAML file (empty ones dropped), merge keys resolved. */
    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> yamlDocuments(String text) {
        List<Map<String, Object>> docs = new ArrayList<>();
        for (Object doc : new Yaml(new LoaderOptions()).loadAll(text)) {
            if (doc != null) {
                docs.add((Map<String, Object>) doc);
            }
        }
        return docs;
    }

    static List<Map<String, Object>> yamlDocuments(Path file) {
        return yamlDocuments(read(file));
    }

    static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The chart rendered by Helm's own engine, with its default values. */
    static String renderChart() {
        return new Helm(CHART).template().withName(RELEASE).withNamespace(RELEASE).call();
    }

    /** Every YAML file of deploy/ (the chart's templates are Go templates, not YAML) and the compose file. */
    static List<Path> yamlFiles() {
        try (Stream<Path> files = Files.walk(ROOT.resolve("deploy"))) {
            List<Path> all = new ArrayList<>(files.filter(p -> p.toString().matches(".*\\.ya?ml$"))
                    .filter(p -> !p.startsWith(CHART.resolve("templates"))).sorted().toList());
            all.add(ROOT.resolve("docker-compose.yml"));
            return all;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The metric names that dashboards and alert rules query. */
    static Set<String> metricsNamed() {
        Set<String> names = new TreeSet<>();
        try (Stream<Path> files = Stream.concat(Files.walk(ROOT.resolve("deploy/grafana/dashboards")), Files.walk(ROOT.resolve("deploy/prometheus/rules")))) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                Matcher m = METRIC.matcher(read(file));
                while (m.find()) {
                    names.add(m.group(1));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return names;
    }

    /** The configuration keys a service's code reads: its properties and the shared ones, its config mappings and injected properties. */
    static Set<String> keysReadBy(String service) {
        List<Path> modules = new ArrayList<>(List.of(ROOT.resolve(service), ROOT.resolve("common-core")));
        List<Path> properties = new ArrayList<>(List.of(ROOT.resolve(service).resolve("src/main/resources/application.properties")));
        if (!service.equals("gateway")) {
            modules.add(ROOT.resolve("common"));
            properties.add(ROOT.resolve("common/src/main/resources/META-INF/microprofile-config.properties"));
        }
        Set<String> keys = new LinkedHashSet<>();
        Pattern reference = Pattern.compile("\\$\\{([a-z0-9.-]+)");
        for (Path file : properties) {
            for (String line : read(file).split("\n")) {
                line = line.strip();
                if (line.isEmpty() || line.startsWith("#") || !line.contains("=")) {
                    continue;
                }
                keys.add(line.substring(0, line.indexOf('=')).replaceFirst("^%[a-z-]+\\.", ""));
                Matcher m = reference.matcher(line);
                while (m.find()) {
                    keys.add(m.group(1));
                }
            }
        }
        for (Path module : modules) {
            for (Path source : javaSources(module.resolve("src/main/java"))) {
                String code = read(source);
                Matcher property = Pattern.compile("@ConfigProperty\\(name = \"([^\"]+)\"").matcher(code);
                while (property.find()) {
                    keys.add(property.group(1));
                }
                Matcher mapping = Pattern.compile("@ConfigMapping\\(prefix = \"([^\"]+)\"\\)\\s*public interface (\\w+)").matcher(code);
                if (mapping.find()) {
                    mappingKeys(code, mapping.group(2), mapping.group(1), keys);
                }
            }
        }
        return keys;
    }

    /** The keys of one mapping interface: each method, kebab-case; a method returning a nested group adds that group's keys. */
    private static void mappingKeys(String code, String type, String prefix, Set<String> keys) {
        Map<String, String> bodies = interfaceBodies(code);
        Matcher method = Pattern.compile("^\\s+([\\w<>, .]+)\\s+(\\w+)\\(\\);", Pattern.MULTILINE).matcher(bodies.getOrDefault(type, ""));
        while (method.find()) {
            String name = prefix + "." + method.group(2).replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase();
            String returned = method.group(1).strip();
            if (bodies.containsKey(returned) && !returned.equals(type)) {
                mappingKeys(code, returned, name, keys);
            } else {
                keys.add(name);
            }
        }
    }

    /** Each interface's own lines (nested interfaces cut out of their parent's), by name. */
    private static Map<String, String> interfaceBodies(String code) {
        Map<String, String> bodies = new HashMap<>();
        Matcher start = Pattern.compile("interface (\\w+)[^{]*\\{").matcher(code);
        while (start.find()) {
            int depth = 1;
            int i = start.end();
            StringBuilder own = new StringBuilder();
            for (; i < code.length() && depth > 0; i++) {
                char c = code.charAt(i);
                depth += c == '{' ? 1 : c == '}' ? -1 : 0;
                if (depth == 1 && c != '}') {
                    own.append(c);
                }
            }
            bodies.put(start.group(1), own.toString());
        }
        return bodies;
    }

    private static List<Path> javaSources(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(p -> p.toString().endsWith(".java")).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The environment variable a key is read from (the MicroProfile Config rule). */
    static String envName(String key) {
        return key.replaceAll("[^A-Za-z0-9]", "_").toUpperCase();
    }
}
