#!/usr/bin/env bash
# Deployment benchmark (docs/deployments.md): prints figures, asserts nothing. In one run, with the
# same engine (podman's Docker API), proxy (Caddy) and image:
#  1. request → AVAILABLE through the platform (a new image each time, polled every 20 ms) against
#     starting the same container by hand through the same engine until it answers HTTP: the
#     platform's share of the time;
#  2. the proxy's added latency: the same GET at a fixed rate through Caddy and straight to the
#     replica's published port, alternating in slices, p50/p99 of each;
#  3. failed requests while a client loops on the URL during ten redeploys (must be 0).
# Starts the platform with deploy/local/up.sh when it is not running.
# Usage: bench/deploy.sh [runs=7] [rate=100]
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
RUNS="${1:-7}"
RATE="${2:-100}"
GW=http://127.0.0.1:8080
source "$ROOT/deploy/local/lib.sh"
ensure_build_tools
write_container_conf
curl -fsS "$GW/health/ready" >/dev/null 2>&1 || OPENPAAS_GATEWAY_RATE_LIMIT_REQUESTS=0 "$ROOT/deploy/local/up.sh"
TOKEN="${OPENPAAS_BOOTSTRAP_ADMIN_TOKEN:-$(cat "$OPENPAAS_STATE_DIR/admin-token")}"
SOCKET="$OPENPAAS_STATE_DIR/containers/podman.sock"
PROXY_PORT="${OPENPAAS_PROXY_PORT:-$(cat "$OPENPAAS_STATE_DIR/proxy/port" 2>/dev/null || echo 8000)}"

# two images FROM scratch that differ by their content, in the engine's storage
WORK="$(mktemp -d "$OPENPAAS_STATE_DIR/bench-deploy.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT
for v in one two; do
  mkdir -p "$WORK/$v/www"
  cp /bin/busybox "$WORK/$v/busybox"
  echo "bench $v" > "$WORK/$v/www/index.html"
  printf 'FROM scratch\nCOPY busybox /bin/busybox\nCOPY www /www\nENTRYPOINT ["/bin/busybox","httpd","-f","-p","8080","-h","/www"]\n' \
    > "$WORK/$v/Dockerfile"
  buildah bud -q --layers -t "localhost/openpaas-bench/app:$v" "$WORK/$v" >/dev/null
done

python3 - "$GW" "$TOKEN" "$SOCKET" "$PROXY_PORT" "$RUNS" "$RATE" <<'PY'
import http.client, json, socket, statistics, sys, threading, time, urllib.request
gw, api_token, sock_path, proxy_port, runs, rate = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6])
IMAGES = ["localhost/openpaas-bench/app:one", "localhost/openpaas-bench/app:two"]

def call(method, path, body=None, jwt=None):
    req = urllib.request.Request(gw + path, method=method, data=None if body is None else json.dumps(body).encode(),
                                 headers={"Content-Type": "application/json", **({"Authorization": "Bearer " + jwt} if jwt else {})})
    with urllib.request.urlopen(req) as r:
        return json.loads(r.read() or b"{}")

class Engine(http.client.HTTPConnection):
    """The Docker Engine API on podman's socket, as a user would call it by hand."""
    def __init__(self):
        super().__init__("d")
    def connect(self):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.connect(sock_path)

def engine(method, path, body=None):
    c = Engine()
    c.request(method, "/v1.41" + path, None if body is None else json.dumps(body), {"Content-Type": "application/json"})
    r = c.getresponse()
    data = r.read()
    c.close()
    return json.loads(data) if data else None

def get(port, host=None):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        c.request("GET", "/index.html", headers={"Host": host} if host else {})
        r = c.getresponse()
        body = r.read()
        return r.status, body
    finally:
        c.close()

jwt = call("POST", "/api/v1/auth/token", {"api_token": api_token})["access_token"]
mark = str(int(time.time()))
project = call("POST", "/api/v1/projects", {"name": "bench deploy " + mark}, jwt)
service = call("POST", f"/api/v1/projects/{project['id']}/services", {"name": "app", "slug": "app", "type": "webapp",
               "build_source": {"type": "image", "image": IMAGES[0]}, "ports": [{"name": "http", "port": 8080, "public": True}],
               "resources": {"memory_mb": 64}, "health_check": {"interval_seconds": 1, "timeout_seconds": 1}}, jwt)
host = f"app.{project['slug']}.localhost"

def deploy(image):
    for _ in range(100):  # deploy-service's projection may be a moment behind the service's creation
        try:
            started = time.monotonic()
            d = call("POST", f"/api/v1/services/{service['id']}/deployments", {"image": image}, jwt)
            break
        except urllib.error.HTTPError as e:
            if e.code != 404:
                raise
            time.sleep(0.1)
    while True:
        state = call("GET", f"/api/v1/deployments/{d['id']}", None, jwt)
        if state["state"] in ("AVAILABLE", "FAILED", "CANCELLED", "SUPERSEDED"):
            if state["state"] != "AVAILABLE":
                raise SystemExit(f"deployment {d['id']} ended {state['state']}: {state.get('reason')}")
            return time.monotonic() - started
        time.sleep(0.02)

def by_hand(image, n):
    started = time.monotonic()
    c = engine("POST", f"/containers/create?name=bench-hand-{mark}-{n}", {"Image": image, "ExposedPorts": {"8080/tcp": {}},
               "HostConfig": {"PortBindings": {"8080/tcp": [{"HostIp": "127.0.0.1", "HostPort": ""}]}, "Memory": 64 << 20}})
    engine("POST", f"/containers/{c['Id']}/start")
    port = int(engine("GET", f"/containers/{c['Id']}/json")["NetworkSettings"]["Ports"]["8080/tcp"][0]["HostPort"])
    while True:
        try:
            if get(port)[0] == 200:
                break
        except OSError:
            pass
        time.sleep(0.02)
    elapsed = time.monotonic() - started
    engine("DELETE", f"/containers/{c['Id']}?force=1")
    return elapsed

def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]

print(f"OpenPaaS deployment benchmark — {time.strftime('%Y-%m-%d %H:%M')} — runs={runs} rate={rate}/s")
deploy(IMAGES[0])  # warm: the first rollout of the service
platform, hand = [], []
for i in range(runs):
    platform.append(deploy(IMAGES[(i + 1) % 2]))
    hand.append(by_hand(IMAGES[i % 2], i))
mp, mh = statistics.median(platform), statistics.median(hand)
print(f"1. request → AVAILABLE (median of {runs}): platform {mp*1000:.0f} ms, by hand {mh*1000:.0f} ms; "
      f"platform's share {(mp - mh)*1000:.0f} ms (ratio {mp / mh:.2f})")
print(f"   platform runs (ms): {[round(x*1000) for x in platform]}; by hand (ms): {[round(x*1000) for x in hand]}")

# 2. the proxy's added latency at a fixed rate, alternating one-second slices
# a replica of the serving deployment (old ones may still be draining)
current = call("GET", f"/api/v1/services/{service['id']}/status", None, jwt)["current_deployment"]
replica = engine("GET", '/containers/json?filters=' + urllib.parse.quote(json.dumps({"label": [f"io.openpaas.deployment={current}"]})))
direct_port = int(engine("GET", f"/containers/{replica[0]['Id']}/json")["NetworkSettings"]["Ports"]["8080/tcp"][0]["HostPort"])
lat = {"proxy": [], "direct": []}
errors = {"proxy": 0, "direct": 0}
for second in range(10):
    side = "proxy" if second % 2 == 0 else "direct"
    start = time.monotonic()
    for k in range(rate):
        due = start + k / rate
        now = time.monotonic()
        if due > now:
            time.sleep(due - now)
        t = time.monotonic()
        try:
            status, _ = get(proxy_port, host) if side == "proxy" else get(direct_port)
            if status != 200:
                errors[side] += 1
        except OSError:
            errors[side] += 1
        lat[side].append(time.monotonic() - t)
p50 = {s: pct(v, 50) * 1000 for s, v in lat.items()}
p99 = {s: pct(v, 99) * 1000 for s, v in lat.items()}
print(f"2. at {rate} req/s: through the proxy p50 {p50['proxy']:.2f} ms p99 {p99['proxy']:.2f} ms; direct p50 {p50['direct']:.2f} ms "
      f"p99 {p99['direct']:.2f} ms; added p50 {p50['proxy'] - p50['direct']:.2f} ms, p99 {p99['proxy'] - p99['direct']:.2f} ms "
      f"(errors: proxy {errors['proxy']}, direct {errors['direct']})")

# 3. ten redeploys while a client loops on the URL
stop = threading.Event()
seen = {"ok": 0, "failed": 0, "answers": {}}
def client():
    while not stop.is_set():
        try:
            status, body = get(proxy_port, host)
            key = f"{status} {body.decode().strip()}"
        except OSError as e:
            key = f"error {e}"
        if key in ("200 bench one", "200 bench two"):
            seen["ok"] += 1
        else:
            seen["failed"] += 1
            seen["answers"][key] = seen["answers"].get(key, 0) + 1
            failures_at.append(time.monotonic())
failures_at, available_at = [], []
t = threading.Thread(target=client)
t.start()
for i in range(10):
    deploy(IMAGES[i % 2])
    available_at.append(time.monotonic())
stop.set()
t.join()
print(f"3. ten redeploys under load: {seen['failed']} failed requests of {seen['ok'] + seen['failed']} (must be 0) {seen['answers'] or ''}")
for f in failures_at:  # where a failure fell: traffic moves at AVAILABLE, the old replicas stop after the drain
    nearest = min(available_at, key=lambda a: abs(a - f))
    print(f"   a failure {1000 * (f - nearest):+.0f} ms from a rollout's AVAILABLE")
call("DELETE", f"/api/v1/projects/{project['id']}", None, jwt)
PY
