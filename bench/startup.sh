#!/usr/bin/env bash
# Start-up and memory of every process, per JVM setting (docs/performance.md): prints figures,
# asserts nothing. For each setting, each process is started alone, then all six at once. The
# figure is the time from launch to the first 200 of /health/ready (which needs the database and
# NATS), and the RSS right after it. The budget is printed beside each row.
#
# Settings compared:
#   jdk17-c1   the local run's flags (C1 only)
#   jdk17-c2   the same with the JDK's default tiered compilation (C2 too)
#   jdk25-aot  Temurin 25 with a per-process AOT cache (JEP 514/515), made by a training run here
#   jdk25      Temurin 25, no cache (the baseline of the two AOT settings)
#   jdk25-aot-image  Temurin 25 with the cache the JVM images make at build (Dockerfile.jvm): a start
#              with no database (port 1), which stops where it first needs one
#
# Usage: bench/startup.sh [settings...]   (default: all three). Stops a running local platform first.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
source "$ROOT/deploy/local/lib.sh"
cd "$ROOT"
SETTINGS=("${@:-jdk17-c1 jdk17-c2 jdk25-aot}")
read -r -a SETTINGS <<< "${SETTINGS[*]}"
SERVICES="project-service:8081 build-service:8082 deploy-service:8083 secrets-service:8084 audit-service:8085 gateway:8080"
JDK25="${OPENPAAS_JDK25:-$(ls -d /usr/lib/jvm/temurin-25* 2>/dev/null | head -1)}"
AOT_DIR="$OPENPAAS_STATE_DIR/aot"

# the platform's prerequisites and state (roles, passwords, keys, migrations), as the local run makes them
"$ROOT/deploy/local/up.sh" >/dev/null
"$ROOT/deploy/local/down.sh" >/dev/null 2>&1 || true
# what the services need around them again (down.sh stopped what up.sh launched), with this shell's environment
ensure_postgres; ensure_nats; ensure_build_tools; ensure_registry; write_container_conf; ensure_container_engine; ensure_proxy
init_database "${OPENPAAS_DATABASE_NAME:-openpaas}"
trap '"$ROOT/deploy/local/down.sh" >/dev/null 2>&1 || true' EXIT
export OPENPAAS_BUILD_ALLOW_LOCAL_REPOSITORIES=true

java_of() { case "$1" in jdk25-*) echo "$JDK25/bin/java" ;; *) echo java ;; esac; }
flags_of() {
  case "$1" in
    jdk17-c1) echo "-Xmx128m -XX:TieredStopAtLevel=1 -XX:+UseSerialGC" ;;
    jdk17-c2) echo "-Xmx128m -XX:+UseSerialGC" ;;
    jdk25-aot) echo "-Xmx128m -XX:+UseSerialGC -XX:AOTCache=$AOT_DIR/$2.aot" ;;
    jdk25) echo "-Xmx128m -XX:+UseSerialGC" ;;
    jdk25-aot-image) echo "-Xmx128m -XX:+UseSerialGC -XX:AOTCache=$AOT_DIR/$2.image.aot" ;;
  esac
}

launch() { # setting name port [extra flags] -> pid
  local setting="$1" name="$2" port="$3" extra="${4:-}"
  # shellcheck disable=SC2046,SC2086
  env -u OPENPAAS_DB_PASSWORD_AUDIT_OWNER OPENPAAS_DATABASE_MIGRATE_AT_START="$([ "$name" = audit-service ] && echo false || echo true)" \
    OPENPAAS_SERVER_PORT="$port" OPENPAAS_STATE_DIR="$OPENPAAS_STATE_DIR" \
    "$(java_of "$setting")" $(flags_of "$setting" "$name") $extra -Dquarkus.http.host=127.0.0.1 \
    -jar "$name/target/quarkus-app/quarkus-run.jar" > "$OPENPAAS_STATE_DIR/logs/startup-$name.log" 2>&1 &
  echo $!
}

ready_ms() { # port start_ns -> ms until the first 200 of /health/ready (or "-" after 60 s)
  local port="$1" start="$2"
  for _ in $(seq 1 3000); do
    if curl -fsS -o /dev/null "http://127.0.0.1:$port/health/ready" 2>/dev/null; then
      echo $(( ($(date +%s%N) - start) / 1000000 )); return
    fi
    sleep 0.02
  done
  echo "-"
}

rss_mb() { awk '/VmRSS/ {printf "%d", $2 / 1024}' "/proc/$1/status" 2>/dev/null || echo "-"; }

stop() { kill "$@" 2>/dev/null || true; for p in "$@"; do while kill -0 "$p" 2>/dev/null; do sleep 0.1; done; done; }

# JDK 25: one training run per process writes its AOT cache when the process exits (JEP 514)
if [[ " ${SETTINGS[*]} " == *" jdk25-aot "* ]]; then
  [ -x "$JDK25/bin/java" ] || { log "no Temurin 25 JDK (OPENPAAS_JDK25): skipping jdk25-aot"; SETTINGS=("${SETTINGS[@]/jdk25-aot}"); }
fi
if [[ " ${SETTINGS[*]} " == *" jdk25-aot "* ]]; then
  mkdir -p "$AOT_DIR"
  for entry in $SERVICES; do
    name="${entry%%:*}" port="${entry##*:}"
    [ -s "$AOT_DIR/$name.aot" ] && continue
    log "training $name for its AOT cache"
    # shellcheck disable=SC2046
    pid=$(env -u OPENPAAS_DB_PASSWORD_AUDIT_OWNER OPENPAAS_DATABASE_MIGRATE_AT_START="$([ "$name" = audit-service ] && echo false || echo true)" \
      OPENPAAS_SERVER_PORT="$port" OPENPAAS_STATE_DIR="$OPENPAAS_STATE_DIR" "$JDK25/bin/java" -Xmx128m -XX:+UseSerialGC \
      -XX:AOTCacheOutput="$AOT_DIR/$name.aot" -Dquarkus.http.host=127.0.0.1 -jar "$name/target/quarkus-app/quarkus-run.jar" \
      > "$OPENPAAS_STATE_DIR/logs/aot-$name.log" 2>&1 & echo $!)
    ready_ms "$port" "$(date +%s%N)" >/dev/null
    for _ in $(seq 1 20); do curl -fsS -o /dev/null "http://127.0.0.1:$port/health/ready" || true; done
    stop "$pid"
  done
fi

# the images' cache: made as Dockerfile.jvm makes it, with no database, NATS or request
if [[ " ${SETTINGS[*]} " == *" jdk25-aot-image "* ]]; then
  mkdir -p "$AOT_DIR"
  for entry in $SERVICES; do
    name="${entry%%:*}"
    [ -s "$AOT_DIR/$name.image.aot" ] && continue
    log "making $name's image AOT cache"
    timeout -s TERM 20 "$JDK25/bin/java" -Xmx128m -XX:+UseSerialGC -XX:AOTCacheOutput="$AOT_DIR/$name.image.aot" -Dquarkus.appcds.generate=true \
      -Dopenpaas.database.port=1 -Dquarkus.http.port=0 -jar "$name/target/quarkus-app/quarkus-run.jar" \
      > "$OPENPAAS_STATE_DIR/logs/aot-image-$name.log" 2>&1 || true # a service stops at the missing database, the gateway after 20 s, as in the image
  done
fi

printf '%-10s %-16s %-6s %10s %8s   budget (JVM): ready <= 1500 ms, RSS <= 200 MB\n' setting process mode "ready ms" "RSS MB"
for setting in "${SETTINGS[@]}"; do
  [ -n "$setting" ] || continue
  for entry in $SERVICES; do # alone
    name="${entry%%:*}" port="${entry##*:}"
    t0=$(date +%s%N); pid=$(launch "$setting" "$name" "$port")
    ms=$(ready_ms "$port" "$t0"); rss=$(rss_mb "$pid")
    printf '%-10s %-16s %-6s %10s %8s\n' "$setting" "$name" alone "$ms" "$rss"
    stop "$pid"
  done
  pids=() starts=() # all six at once
  for entry in $SERVICES; do
    starts+=("$(date +%s%N)"); pids+=("$(launch "$setting" "${entry%%:*}" "${entry##*:}")")
  done
  i=0
  for entry in $SERVICES; do
    ms=$(ready_ms "${entry##*:}" "${starts[$i]}")
    printf '%-10s %-16s %-6s %10s %8s\n' "$setting" "${entry%%:*}" "six" "$ms" "$(rss_mb "${pids[$i]}")"
    i=$((i + 1))
  done
  stop "${pids[@]}"
done
