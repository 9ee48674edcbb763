#!/usr/bin/env bash
# Audit trail and live event figures (issue "audit trail and live events"; prints, asserts nothing):
#  1. sustained ingest: events published straight to JetStream → all stored by audit-service, events/s;
#  2. GET /api/v1/audit with filters at 10^6 stored records: p50/p99 (hey, fixed concurrency);
#  3. API write → event received on the gateway's SSE stream, p50/p99.
# Starts the platform with deploy/local/up.sh when it is not running.
# Usage: bench/audit.sh [ingest-events=20000] [records=1000000] [sse-writes=200]
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
EVENTS="${1:-20000}" RECORDS="${2:-1000000}" WRITES="${3:-200}"
GW=http://127.0.0.1:8080
source "$ROOT/deploy/local/lib.sh"
command -v hey >/dev/null || apt_install hey
# the per-token rate limit would answer most of the load with 429: benchmarks run without it
curl -fsS "$GW/health/ready" >/dev/null 2>&1 || OPENPAAS_GATEWAY_RATE_LIMIT_REQUESTS=0 "$ROOT/deploy/local/up.sh"
export_nats_env # the platform's NATS and its users' passwords
DB="${OPENPAAS_DATABASE_NAME:-openpaas}"
PSQL=(psql -h "$PG_HOST" -p "$PG_PORT" -U postgres -d "$DB" -qtAX)

CP="$(find ~/.m2/repository/io/nats/jnats -name 'jnats-2.26.2.jar' | head -1):$(find ~/.m2/repository/org/postgresql/postgresql -name 'postgresql-*.jar' | sort | tail -1)"
bench() { java -cp "$CP" "$ROOT/bench/AuditBench.java" "$@"; }

TOKEN="${OPENPAAS_BOOTSTRAP_ADMIN_TOKEN:-$(cat "$OPENPAAS_STATE_DIR/admin-token")}"
JWT=$(curl -fsS "$GW/api/v1/auth/token" -H 'Content-Type: application/json' -d "{\"api_token\":\"$TOKEN\"}" \
      | sed 's/.*"access_token":"\([^"]*\)".*/\1/')
PID=$(curl -fsS "$GW/api/v1/projects" -H "Authorization: Bearer $JWT" -H 'Content-Type: application/json' \
      -d "{\"name\":\"audit bench $(date +%s%N)\"}" | sed 's/.*"id":"\([^"]*\)".*/\1/')

echo "== 1. ingest =="
bench ingest 2000 "jdbc:postgresql://$PG_HOST:$PG_PORT/$DB" >/dev/null   # warm-up
RATES=() STORING=()
for run in 1 2 3; do
  line=$(bench ingest "$EVENTS" "jdbc:postgresql://$PG_HOST:$PG_PORT/$DB"); echo "run $run $line"
  RATES+=("$(echo "$line" | sed 's/.*after [0-9.]* s: \([0-9]*\) events\/s.*/\1/')")
  STORING+=("$(echo "$line" | sed 's/.*stored [0-9.]* s: \([0-9]*\) events\/s.*/\1/')")
done
median3() { printf '%s\n' "$@" | sort -n | sed -n 2p; }
echo "ROW audit ingest: $(median3 "${RATES[@]}") events/s publish to stored, $(median3 "${STORING[@]}") events/s first to last stored" \
  "(medians of 3 runs of $EVENTS)   budget >= 5000 events/s"

echo "== 2. GET /api/v1/audit at $RECORDS records =="
have=$("${PSQL[@]}" -c "select count(*) from audit.audit_records")
if [ "$have" -lt "$RECORDS" ]; then
  echo "adding $((RECORDS - have)) chained records (once; they stay for later runs)..."
  "${PSQL[@]}" <<SQL
set search_path = audit, public;
do \$\$
declare
  head audit.audit_chain_head;
  r audit.audit_records;
  projects text[] := array(select gen_random_uuid()::text from generate_series(1, 1000));
begin
  select * into head from audit.audit_chain_head where id = 1 for update;
  for i in 1..$((RECORDS - have)) loop
    r.seq := nextval(pg_get_serial_sequence('audit.audit_records', 'seq'));
    r.event_id := gen_random_uuid()::text; r.type := (array['paas.project.updated','paas.service.updated','paas.member.added'])[1 + i % 3];
    r.source := '/bench'; r.resource := gen_random_uuid()::text; r.project_id := projects[1 + i % 1000];
    r.actor := 'user-' || (i % 500); r.correlation_id := r.event_id; r.occurred_at := now(); r.recorded_at := date_trunc('microseconds', clock_timestamp());
    r.data := '{"n":' || i || '}'; r.prev_hash := head.hash;
    r.hash := audit.audit_record_hash(r, head.hash);
    insert into audit.audit_records values (r.*);
    head.seq := r.seq; head.hash := r.hash;
  end loop;
  update audit.audit_chain_head set seq = head.seq, hash = head.hash where id = 1;
end \$\$;
SQL
  "${PSQL[@]}" -c "analyze audit.audit_records"
fi
echo "stored records: $("${PSQL[@]}" -c "select count(*) from audit.audit_records")"
BUSY=$("${PSQL[@]}" -c "select project_id from audit.audit_records where project_id is not null group by project_id order by count(*) desc limit 1")
for q in "project=$BUSY&type=paas.service.&limit=50" "actor=user-7&limit=50" "type=paas.member.&limit=50"; do
  hey -n 2000 -c 8 -H "Authorization: Bearer $JWT" "$GW/api/v1/audit?$q" >/dev/null 2>&1  # warm-up
  out=$(hey -n 5000 -c 8 -H "Authorization: Bearer $JWT" "$GW/api/v1/audit?$q")
  printf 'GET /api/v1/audit?%-45s %8s req/s  p50 %s s  p99 %s s  statuses: %s (target p99 <= 0.050)\n' "$q" \
    "$(echo "$out" | awk '/Requests\/sec/ {print $2}')" "$(echo "$out" | awk '/50%/ {print $3}')" "$(echo "$out" | awk '/99%/ {print $3}')" \
    "$(echo "$out" | awk '/^  \[[0-9]+\]/ {printf "%s%s ", $1, $2}')"
done

echo "== 3. API write → SSE =="
bench sse "$WRITES" "$GW" "$JWT" "$PID"
