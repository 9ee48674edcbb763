import io.nats.client.Connection;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.api.StreamInfoOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.util.List;

/**
 * After bench/crash.sh: for every acknowledged create (a project id the gateway answered 201 for),
 * how many paas.project.<id>.created events JetStream holds and how many audit records exist.
 * Prints the counts; exits 1 when any write has not exactly one of each.
 * Usage: java -cp jnats:postgresql CrashCheck.java <acked-ids-file> <jdbc-url>
 */
public class CrashCheck {
    public static void main(String[] args) throws Exception {
        List<String> acked = Files.readAllLines(Path.of(args[0])).stream().filter(l -> !l.isBlank()).toList();
        String user = "audit-service"; // any service's user may read stream information
        Options.Builder options = new Options.Builder().server(System.getenv().getOrDefault("OPENPAAS_NATS_URL", "nats://127.0.0.1:4222"))
                .inboxPrefix("_INBOX_" + user);
        String password = System.getenv("OPENPAAS_NATS_PASSWORD_AUDIT_SERVICE");
        if (password != null) {
            options.userInfo(user, password);
        }
        long events1 = 0, events0 = 0, eventsMore = 0, audit1 = 0, audit0 = 0, auditMore = 0;
        try (Connection nats = Nats.connect(options.build());
                var db = DriverManager.getConnection(args[1], "postgres", "");
                var ps = db.prepareStatement("select count(*) from audit.audit_records where type = 'paas.project.created' and resource = ?")) {
            var jsm = nats.jetStreamManagement();
            for (String id : acked) {
                var subjects = jsm.getStreamInfo("PAAS_PROJECT", StreamInfoOptions.filterSubjects("paas.project." + id + ".created"))
                        .getStreamState().getSubjects();
                long events = subjects == null ? 0 : subjects.stream().mapToLong(s -> s.getCount()).sum();
                ps.setString(1, id);
                long records;
                try (var rs = ps.executeQuery()) {
                    rs.next();
                    records = rs.getLong(1);
                }
                if (events == 1) events1++; else if (events == 0) events0++; else eventsMore++;
                if (records == 1) audit1++; else if (records == 0) audit0++; else auditMore++;
            }
        }
        System.out.printf("acknowledged creates: %d%n", acked.size());
        System.out.printf("events in JetStream:  exactly one %d, missing %d, duplicated %d%n", events1, events0, eventsMore);
        System.out.printf("audit records:        exactly one %d, missing %d, duplicated %d%n", audit1, audit0, auditMore);
        boolean ok = events1 == acked.size() && audit1 == acked.size();
        System.out.println(ok ? "RESULT: every acknowledged write has exactly one event and one audit record"
                : "RESULT: FAILED");
        System.exit(ok ? 0 : 1);
    }
}
