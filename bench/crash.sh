#!/usr/bin/env bash
# Crash test (prints counts; exits non-zero when a write was lost or doubled): under a steady
# write load through the gateway, kill -9 every service in turn (and the gateway), restart NATS and
# restart PostgreSQL, each time bringing it back; then check that every create the gateway
# acknowledged (201) has exactly one paas.project.<id>.created in JetStream and one audit record.
# Starts the platform with deploy/local/up.sh when it is not running. Restarts the machine's
# PostgreSQL: do not run it beside the test suite.
# Usage: bench/crash.sh [seconds of load between crashes=4]
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
PAUSE="${1:-4}"
GW=http://127.0.0.1:8080
source "$ROOT/deploy/local/lib.sh"
curl -fsS "$GW/health/ready" >/dev/null 2>&1 || OPENPAAS_GATEWAY_RATE_LIMIT_REQUESTS=0 "$ROOT/deploy/local/up.sh" >/dev/null
export_nats_env
WORK="$(mktemp -d)"
ACKED="$WORK/acked" STOP="$WORK/stop"
: > "$ACKED"

TOKEN="${OPENPAAS_BOOTSTRAP_ADMIN_TOKEN:-$(cat "$OPENPAAS_STATE_DIR/admin-token")}"
jwt() { curl -m 5 -fsS "$GW/api/v1/auth/token" -H 'Content-Type: application/json' -d "{\"api_token\":\"$TOKEN\"}" \
        | sed 's/.*"access_token":"\([^"]*\)".*/\1/'; }

# the load: one create after another; a 201 is an acknowledged write, anything else is retried later
load() {
  set +e +o pipefail # a failed request is part of the test, not a reason for the load to stop
  local token="" n=0 code body
  while [ ! -e "$STOP" ]; do
    [ -n "$token" ] || token="$(jwt 2>/dev/null)"
    n=$((n + 1))
    body="$(curl -s -m 5 -o - -w '\n%{http_code}' "$GW/api/v1/projects" -H "Authorization: Bearer $token" \
            -H 'Content-Type: application/json' -d "{\"name\":\"crash $n $RANDOM\"}" 2>/dev/null || true)"
    code="${body##*$'\n'}"
    if [ "$code" = 201 ]; then
      body="${body%%$'\n'*}"
      sed 's/.*"id":"\([^"]*\)".*/\1/' <<< "$body" >> "$ACKED"
    else
      echo "$(date +%T) $code" >> "$WORK/refused"
      [ "$code" = 401 ] && token=""
      sleep 0.05
    fi
  done
}
load &
LOAD=$!
trap 'touch "$STOP"; wait $LOAD 2>/dev/null || true' EXIT

restart_platform() { "$ROOT/deploy/local/up.sh" >/dev/null 2>&1 || { log "up.sh failed; see $OPENPAAS_STATE_DIR/logs"; exit 1; }; }
step() { printf '%-40s acknowledged so far: %s\n' "$1" "$(wc -l < "$ACKED")"; }

sleep "$PAUSE"; step "steady load"
for name in project-service build-service deploy-service secrets-service audit-service gateway; do
  kill -9 "$(cat "$OPENPAAS_STATE_DIR/$name.pid")" 2>/dev/null || true
  step "kill -9 $name"
  sleep 1
  restart_platform
  step "$name back"
  sleep "$PAUSE"
done
kill "$(cat "$OPENPAAS_STATE_DIR/nats-server.pid")"; rm -f "$OPENPAAS_STATE_DIR/nats-server.pid"
step "NATS stopped"
sleep 2
restart_platform   # ensure_nats starts it again on the same store
step "NATS back"
sleep "$PAUSE"
version="$(ls /etc/postgresql | sort -V | tail -1)"
pg_ctlcluster --skip-systemctl-redirect "$version" main restart || pg_ctlcluster "$version" main restart
step "PostgreSQL restarted"
sleep "$PAUSE"
touch "$STOP"; wait "$LOAD" || true
step "load stopped"

# let the outboxes and consumers catch up: until the audit trail stops growing
DB="${OPENPAAS_DATABASE_NAME:-openpaas}"
last=-1
for _ in $(seq 1 60); do
  now="$(psql -h "$PG_HOST" -p "$PG_PORT" -U postgres -d "$DB" -qtAX -c "select count(*) from audit.audit_records")"
  [ "$now" = "$last" ] && break
  last="$now"; sleep 2
done
echo "answers other than 201 during the run (status: count; 000 = no answer within 5 s):"
touch "$WORK/refused"
awk '{print $2}' "$WORK/refused" | sort | uniq -c | awk '{printf "  %s: %s\n", $2, $1}'
# and the gateway still follows revocations after all of it
J="$(jwt)"
R="$(curl -fsS "$GW/api/v1/tokens" -H "Authorization: Bearer $J" -H 'Content-Type: application/json' -d '{"name":"crash-revocation"}')"
TID="$(sed 's/.*"id":"\([^"]*\)".*/\1/' <<< "$R")" T2="$(sed 's/.*"token":"\([^"]*\)".*/\1/' <<< "$R")"
J2="$(curl -fsS "$GW/api/v1/auth/token" -H 'Content-Type: application/json' -d "{\"api_token\":\"$T2\"}" | sed 's/.*"access_token":"\([^"]*\)".*/\1/')"
curl -fsS -o /dev/null "$GW/api/v1/users/me" -H "Authorization: Bearer $J2"
curl -fsS -o /dev/null -X DELETE "$GW/api/v1/tokens/$TID" -H "Authorization: Bearer $J"
revoked=no
for i in $(seq 1 50); do
  if [ "$(curl -s -o /dev/null -w '%{http_code}' "$GW/api/v1/users/me" -H "Authorization: Bearer $J2")" = 401 ]; then revoked="yes, after ~$((i * 100)) ms"; break; fi
  sleep 0.1
done
echo "a token revoked after the restarts is refused by the gateway: $revoked"
CP="$(find ~/.m2/repository/io/nats/jnats -name 'jnats-2.26.2.jar' | head -1):$(find ~/.m2/repository/org/postgresql/postgresql -name 'postgresql-*.jar' | sort | tail -1)"
java -cp "$CP" "$ROOT/bench/CrashCheck.java" "$ACKED" "jdbc:postgresql://$PG_HOST:$PG_PORT/$DB"
