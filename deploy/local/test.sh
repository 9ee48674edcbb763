#!/usr/bin/env bash
# Runs the whole test suite on real PostgreSQL, NATS and Redis, starting them first when needed.
# Extra arguments go to Maven (e.g. -pl project-service).
source "$(dirname "$0")/lib.sh"
ensure_java_and_maven
ensure_postgres
# the tests' consumers are named with these suffixes; the tests' own probe gets a user of its own
export NATS_DURABLE_SUFFIXES="-test -openpaas-test-audit-retention" OPENPAAS_NATS_TESTER=1
# two read-only subscribers for the permission tests: one without, one with security events
mkdir -p "$OPENPAAS_STATE_DIR/nats"; touch "$OPENPAAS_STATE_DIR/nats/subscribers.list"
grep -q '^test-reader ' "$OPENPAAS_STATE_DIR/nats/subscribers.list" || echo "test-reader 0" >> "$OPENPAAS_STATE_DIR/nats/subscribers.list"
grep -q '^test-auditor ' "$OPENPAAS_STATE_DIR/nats/subscribers.list" || echo "test-auditor 1" >> "$OPENPAAS_STATE_DIR/nats/subscribers.list"
running() { [ -f "$OPENPAAS_STATE_DIR/$1.pid" ] && kill -0 "$(cat "$OPENPAAS_STATE_DIR/$1.pid")" 2>/dev/null; }
started_here=()
running nats-server || started_here+=(nats-server)
running registry || started_here+=(registry)
running podman || started_here+=(podman)
running caddy || started_here+=(caddy)
# stop what this run started, whatever happens (CI runs many clones on one machine)
stop_started() {
  local name
  for name in "${started_here[@]}"; do
    [ -f "$OPENPAAS_STATE_DIR/$name.pid" ] || continue
    kill "$(cat "$OPENPAAS_STATE_DIR/$name.pid")" 2>/dev/null || true
    rm -f "$OPENPAAS_STATE_DIR/$name.pid"
  done
}
trap stop_started EXIT
ensure_nats
# builds: buildah and a registry of the run's own
ensure_build_tools
ensure_registry
write_container_conf # again, now that the registry's address is known
# deployments: podman's Docker API and the Caddy proxy of the run's own
ensure_container_engine
ensure_proxy
ensure_redis
export OPENPAAS_REDIS_URL="$REDIS_URL"
# Every test process (the secrets module's and the gateway's) opens the test database's secrets with
# one master key file, kept beside the database rather than in a clone. Without it those secrets
# cannot be read, and secrets-service would rightly refuse to start, so they are dropped with it.
export OPENPAAS_SECRETS_MASTER_KEY_FILE="${OPENPAAS_SECRETS_MASTER_KEY_FILE:-$HOME/.cache/openpaas-test/secrets-master.key}"
if [ ! -s "$OPENPAAS_SECRETS_MASTER_KEY_FILE" ]; then
  log "no tests' secrets master key: dropping the test database's secrets schema"
  as_pg_superuser psql -q -d openpaas_test -c "drop schema if exists secrets cascade" >/dev/null 2>&1 || true
fi
init_database openpaas_test
cd "$ROOT"
mvn -B -ntp install "$@"
