#!/usr/bin/env bash
# OpenPaaS benchmark (docs/contracts.md): prints figures, asserts nothing. Side by side in one run:
#  1. GET one project through the gateway vs straight to project-service, flat out (wrk) and at
#     a fixed rate (hey -q, so a slow answer does not lower the offered load), after a warm-up;
#  2. create project → row stored by audit-service, p50/p99 over N creates at a fixed rate.
# Starts the platform with deploy/local/up.sh when it is not running.
# Usage: bench/run.sh [duration=15s] [rate=1000] [creates=1000] [runs=3]
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
DURATION="${1:-15s}" RATE="${2:-1000}" CREATES="${3:-1000}" RUNS="${4:-3}"
GW=http://127.0.0.1:8080 SVC=http://127.0.0.1:8081
source "$ROOT/deploy/local/lib.sh"
command -v wrk >/dev/null || apt_install wrk
command -v hey >/dev/null || apt_install hey
# the per-token rate limit would answer most of the load with 429: benchmarks run without it
curl -fsS "$GW/health/ready" >/dev/null 2>&1 || OPENPAAS_GATEWAY_RATE_LIMIT_REQUESTS=0 "$ROOT/deploy/local/up.sh"

TOKEN="${OPENPAAS_BOOTSTRAP_ADMIN_TOKEN:-$(cat "$OPENPAAS_STATE_DIR/admin-token")}"
JWT=$(curl -fsS "$GW/api/v1/auth/token" -H 'Content-Type: application/json' -d "{\"api_token\":\"$TOKEN\"}" \
      | sed 's/.*"access_token":"\([^"]*\)".*/\1/')
PID=$(curl -fsS "$GW/api/v1/projects" -H "Authorization: Bearer $JWT" -H 'Content-Type: application/json' \
      -d "{\"name\":\"bench $(date +%s%N)\"}" | sed 's/.*"id":"\([^"]*\)".*/\1/')
AUTH="Authorization: Bearer $JWT"
echo "== GET /api/v1/projects/$PID: gateway (:8080) vs project-service (:8081) =="
# Warm-up: under C2 on 2 cores the JIT keeps compiling for about a minute of load (docs/performance.md,
# Profile 4); figures taken earlier measure the compiler, not the code. OPENPAAS_BENCH_WARMUP shortens it.
WARMUP="${OPENPAAS_BENCH_WARMUP:-60s}"
for target in "$GW" "$SVC"; do wrk -t2 -c32 -d"$WARMUP" -H "$AUTH" "$target/api/v1/projects/$PID" >/dev/null; done

rps() { awk '/Requests\/sec/ {print $2}'; }
lat() { awk -v q="$1" '$1 == q"%" {print $2}'; }
declare -a GW_RPS SVC_RPS
for run in $(seq 1 "$RUNS"); do
  for target in gateway service; do
    url="$GW"; [ "$target" = service ] && url="$SVC"
    out=$(wrk -t2 -c32 -d"$DURATION" --latency -H "$AUTH" "$url/api/v1/projects/$PID")
    printf 'flat out  run %s %-8s %8s req/s  p50 %-8s p99 %s\n' "$run" "$target" "$(echo "$out" | rps)" \
      "$(echo "$out" | lat 50)" "$(echo "$out" | lat 99)"
    [ "$target" = gateway ] && GW_RPS+=("$(echo "$out" | rps)") || SVC_RPS+=("$(echo "$out" | rps)")
  done
done
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
g=$(median "${GW_RPS[@]}") s=$(median "${SVC_RPS[@]}")
echo "median throughput: gateway $g req/s, service $s req/s, ratio $(awk -v g="$g" -v s="$s" 'BEGIN {printf "%.2f", g/s}') (target >= 0.80)"

SECONDS_AT_RATE=10
for target in gateway service; do
  url="$GW"; [ "$target" = service ] && url="$SVC"
  out=$(hey -z "${SECONDS_AT_RATE}s" -c 20 -q $((RATE / 20)) -H "$AUTH" "$url/api/v1/projects/$PID")
  printf 'at %s req/s %-8s achieved %s req/s, p50 %s s, p99 %s s\n' "$RATE" "$target" \
    "$(echo "$out" | awk '/Requests\/sec/ {print $2}')" "$(echo "$out" | awk '/50%/ {print $3}')" "$(echo "$out" | awk '/99%/ {print $3}')"
done

echo "== create project → stored by audit-service, $CREATES creates at ~200/s =="
MARK="bench-$(date +%s)"
python3 - "$GW" "$JWT" "$CREATES" "$MARK" <<'PY'
import json, sys, threading, time, urllib.request
gw, jwt, n, mark = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
interval = 1 / 200.0
lock = threading.Lock(); errors = [0]
def create(i):
    body = json.dumps({"name": f"{mark} {i}", "slug": f"{mark}-{i}"}).encode()
    req = urllib.request.Request(gw + "/api/v1/projects", data=body, method="POST",
        headers={"Authorization": "Bearer " + jwt, "Content-Type": "application/json"})
    try:
        urllib.request.urlopen(req, timeout=10).read()
    except Exception:
        with lock: errors[0] += 1
start = time.time(); threads = []
for i in range(n):
    delay = start + i * interval - time.time()
    if delay > 0: time.sleep(delay)
    t = threading.Thread(target=create, args=(i,)); t.start(); threads.append(t)
for t in threads: t.join()
print(f"sent {n} creates in {time.time() - start:.1f}s, {errors[0]} errors")
PY
sleep 3
psql -h "$PG_HOST" -p "$PG_PORT" -U postgres -d "${OPENPAAS_DATABASE_NAME:-openpaas}" -tA -F ' ' -c "
  select count(*),
         round(1000 * extract(epoch from percentile_cont(0.5) within group (order by recorded_at - occurred_at))::numeric, 2),
         round(1000 * extract(epoch from percentile_cont(0.99) within group (order by recorded_at - occurred_at))::numeric, 2)
  from audit.audit_records where type = 'paas.project.created' and data like '%$MARK%'" |
  awk '{printf "audit stored %s of the creates; write → audit row p50 %s ms, p99 %s ms (targets 10 / 50 ms)\n", $1, $2, $3}'
