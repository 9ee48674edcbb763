#!/usr/bin/env bash
# Starts the whole platform on one machine with its embedded defaults: PostgreSQL and NATS
# (started or installed when missing), buildah and an image registry, the five services on 8081-8085 and the gateway on 8080.
source "$(dirname "$0")/lib.sh"
ensure_java_and_maven
ensure_postgres
ensure_nats
ensure_build_tools
ensure_registry
write_container_conf
ensure_container_engine
ensure_proxy
init_database "${OPENPAAS_DATABASE_NAME:-openpaas}"
cd "$ROOT"

SERVICES="project-service:8081 build-service:8082 deploy-service:8083 secrets-service:8084 audit-service:8085 gateway:8080"
missing=0
for entry in $SERVICES; do [ -f "${entry%%:*}/target/quarkus-app/quarkus-run.jar" ] || missing=1; done
if [ "$missing" = 1 ] || [ "${OPENPAAS_REBUILD:-0}" = 1 ]; then
  log "building the services (first run: a few minutes)"
  mvn -B -q -ntp install -DskipTests
fi

# C1 and C2 (the JDK's default tiers): the long-running services serve 1.6x the reads of C1 alone
# (the token check's big-number arithmetic is a C2 intrinsic), for a 20-40% slower start; measured in
# docs/performance.md, Profile 3. With Temurin 25 first on the PATH and OPENPAAS_AOT_DIR, each process
# also gets its AOT cache, which gives the start-up back.
JAVA_OPTS="${OPENPAAS_JAVA_OPTS:--Xmx128m -XX:+UseSerialGC}"

# The audit trail's migrations run on their own, as the schema's owner; the service then runs
# without that role's password, so nothing in it can alter what guards the trail.
log "migrating the audit schema as its owner"
# shellcheck disable=SC2086
OPENPAAS_STATE_DIR="$OPENPAAS_STATE_DIR" java $JAVA_OPTS -Dquarkus.init-and-exit=true -Dquarkus.http.host=127.0.0.1 \
  -jar audit-service/target/quarkus-app/quarkus-run.jar > "$OPENPAAS_STATE_DIR/logs/audit-migration.log" 2>&1 \
  || { log "audit migration failed; see $OPENPAAS_STATE_DIR/logs/audit-migration.log"; exit 1; }

# OPENPAAS_AOT_DIR: a JDK 25 AOT cache per process (<dir>/<name>.aot, as bench/startup.sh makes them)
aot_cache() { [ -n "${OPENPAAS_AOT_DIR:-}" ] && [ -s "$OPENPAAS_AOT_DIR/$1.aot" ] && echo "-XX:AOTCache=$OPENPAAS_AOT_DIR/$1.aot" || true; }

start() {
  local name="$1" port="$2" pidfile="$OPENPAAS_STATE_DIR/$1.pid"
  if [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null; then log "$name already running"; return; fi
  # services listen on loopback only: the gateway is the way in
  local host=127.0.0.1
  [ "$name" = gateway ] && host="${OPENPAAS_GATEWAY_HOST:-127.0.0.1}"
  # shellcheck disable=SC2086
  env -u OPENPAAS_DB_PASSWORD_AUDIT_OWNER OPENPAAS_DATABASE_MIGRATE_AT_START="$([ "$name" = audit-service ] && echo false || echo true)" \
    OPENPAAS_SERVER_PORT="$port" OPENPAAS_STATE_DIR="$OPENPAAS_STATE_DIR" nohup java $JAVA_OPTS $(aot_cache "$name") -Dquarkus.http.host="$host" \
    -jar "$name/target/quarkus-app/quarkus-run.jar" > "$OPENPAAS_STATE_DIR/logs/$name.log" 2>&1 &
  echo $! > "$pidfile"
}
# the local run builds file:// and loopback repositories too (a shared platform turns this off)
export OPENPAAS_BUILD_ALLOW_LOCAL_REPOSITORIES="${OPENPAAS_BUILD_ALLOW_LOCAL_REPOSITORIES:-true}"
# project-service first: it makes the signing key and the admin on first start
for entry in $SERVICES; do start "${entry%%:*}" "${entry##*:}"; done

log "waiting for readiness"
for entry in $SERVICES; do
  name="${entry%%:*}" port="${entry##*:}"
  for _ in $(seq 1 240); do
    curl -fsS "http://127.0.0.1:$port/health/ready" >/dev/null 2>&1 && break
    kill -0 "$(cat "$OPENPAAS_STATE_DIR/$name.pid")" 2>/dev/null || { log "$name died; see $OPENPAAS_STATE_DIR/logs/$name.log"; exit 1; }
    sleep 0.5
  done
  curl -fsS "http://127.0.0.1:$port/health/ready" >/dev/null || { log "$name not ready; see $OPENPAAS_STATE_DIR/logs/$name.log"; exit 1; }
done

echo "OpenPaaS is up: http://127.0.0.1:8080  (API under /api/v1, OpenAPI at /openapi.json)"
if [ -n "${OPENPAAS_BOOTSTRAP_ADMIN_TOKEN:-}" ]; then
  echo "admin API token: the one in OPENPAAS_BOOTSTRAP_ADMIN_TOKEN"
elif [ -f "$OPENPAAS_STATE_DIR/admin-token" ]; then
  # to this terminal only: the file is 0600 and no log holds it
  echo "admin API token: $(cat "$OPENPAAS_STATE_DIR/admin-token")"
fi
echo "logs: $OPENPAAS_STATE_DIR/logs   stop: deploy/local/down.sh"
