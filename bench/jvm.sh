#!/usr/bin/env bash
# The local run's JVM settings, side by side (docs/performance.md): for each setting the platform is
# restarted with it, then bench/run.sh measures reads (gateway and direct, flat out and at a fixed
# rate, against pgbench -S), creates at a fixed rate with their CPU per process, and write → audit
# latency. Start-up per setting is bench/startup.sh's. Prints figures, asserts nothing.
#   jdk17-c1   -Xmx128m -XX:TieredStopAtLevel=1 -XX:+UseSerialGC   (the local run until now)
#   jdk17-c2   -Xmx128m -XX:+UseSerialGC                           (C1 and C2, the JDK's default)
#   jdk25-aot  Temurin 25, C1 and C2, with bench/startup.sh's trained AOT caches (run it first)
# Usage: bench/jvm.sh [duration=10s] [rate=1000] [write-rate=200] [settings...]
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
DURATION="${1:-10s}" RATE="${2:-1000}" WRITE_RATE="${3:-200}"; shift 3 2>/dev/null || shift $#
SETTINGS=("${@:-jdk17-c1 jdk17-c2 jdk25-aot}"); read -r -a SETTINGS <<< "${SETTINGS[*]}"
source "$ROOT/deploy/local/lib.sh"
JDK25="${OPENPAAS_JDK25:-$(ls -d /usr/lib/jvm/temurin-25* 2>/dev/null | head -1)}"
for setting in "${SETTINGS[@]}"; do
  "$ROOT/deploy/local/down.sh" >/dev/null 2>&1 || true
  case "$setting" in
    jdk17-c1) opts="-Xmx128m -XX:TieredStopAtLevel=1 -XX:+UseSerialGC" path="$PATH" aot="" ;;
    jdk17-c2) opts="-Xmx128m -XX:+UseSerialGC" path="$PATH" aot="" ;;
    jdk25-aot) opts="-Xmx128m -XX:+UseSerialGC" path="$JDK25/bin:$PATH" aot="$OPENPAAS_STATE_DIR/aot" ;;
    *) echo "unknown setting $setting" >&2; exit 2 ;;
  esac
  echo "==== $setting ($opts${aot:+, AOT cache}) ===="
  PATH="$path" OPENPAAS_JAVA_OPTS="$opts" OPENPAAS_AOT_DIR="$aot" OPENPAAS_GATEWAY_RATE_LIMIT_REQUESTS=0 \
    "$ROOT/deploy/local/up.sh" >/dev/null
  OPENPAAS_BENCH_STARTUP=0 "$ROOT/bench/run.sh" "$DURATION" "$RATE" "$WRITE_RATE" 3 | grep -E "^ROW|^at |creates at|CPU per create"
done
"$ROOT/deploy/local/down.sh" >/dev/null 2>&1 || true
