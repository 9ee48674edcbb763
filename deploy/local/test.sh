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
nats_was_running=0
[ -f "$OPENPAAS_STATE_DIR/nats-server.pid" ] && kill -0 "$(cat "$OPENPAAS_STATE_DIR/nats-server.pid")" 2>/dev/null && nats_was_running=1
ensure_nats
if [ "$nats_was_running" = 0 ] && [ -f "$OPENPAAS_STATE_DIR/nats-server.pid" ]; then
  # stop the nats-server this run started, whatever happens (CI runs many clones on one machine)
  trap 'kill "$(cat "$OPENPAAS_STATE_DIR/nats-server.pid")" 2>/dev/null; rm -f "$OPENPAAS_STATE_DIR/nats-server.pid"' EXIT
fi
ensure_redis
export OPENPAAS_REDIS_URL="$REDIS_URL"
init_database openpaas_test
cd "$ROOT"
mvn -B -ntp install "$@"
