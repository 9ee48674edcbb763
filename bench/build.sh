#!/usr/bin/env bash
# Build benchmark (docs/builds.md): prints figures, asserts nothing. In one run, on the same
# repository, storage and registry:
#  1. a build through the platform (request → SUCCEEDED, polled every 20 ms) against the same work
#     done by hand (git clone + buildah bud --layers + buildah push), alternating, each after a new
#     commit so both rebuild the changed layer; medians and the platform's overhead;
#  2. ten builds of one project requested at once: the most seen running together (the per-project
#     limit holds them back) and the time until all ended.
# Starts the platform with deploy/local/up.sh when it is not running.
# The repository's "compile" step takes a few seconds, as small real builds do. buildah's own time
# here lands on whole-second steps (the same build by hand takes 2 s or 3 s from one run to the
# next), so a median of a few runs mostly tells which step each side hit: the fastest runs compare
# the work itself, and the count of slow runs is printed for both sides.
# Usage: bench/build.sh [runs=7]
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
RUNS="${1:-7}"
GW=http://127.0.0.1:8080
source "$ROOT/deploy/local/lib.sh"
ensure_build_tools
curl -fsS "$GW/health/ready" >/dev/null 2>&1 || OPENPAAS_GATEWAY_RATE_LIMIT_REQUESTS=0 "$ROOT/deploy/local/up.sh"
REGISTRY="${OPENPAAS_REGISTRY_URL:-127.0.0.1:$(cat "$OPENPAAS_STATE_DIR/registry/port")}"
TOKEN="${OPENPAAS_BOOTSTRAP_ADMIN_TOKEN:-$(cat "$OPENPAAS_STATE_DIR/admin-token")}"

WORK="$(mktemp -d "$OPENPAAS_STATE_DIR/bench-build.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT
git init -q -b main "$WORK/src"
cp /bin/busybox "$WORK/src/busybox"
mkdir -p "$WORK/src/www"
cat > "$WORK/src/Dockerfile" <<'DOCKERFILE'
FROM scratch
COPY busybox /bin/busybox
COPY www /www
# a compile step: it reruns whenever the sources change, as a real build's would
RUN ["/bin/busybox", "sh", "-c", "i=0; while [ $i -lt 1000000 ]; do i=$((i+1)); done; cp /www/index.html /www/built.html"]
USER 1000
ENTRYPOINT ["/bin/busybox", "httpd", "-f", "-p", "8080", "-h", "/www"]
DOCKERFILE
commit() { echo "$1" > "$WORK/src/www/index.html"; git -C "$WORK/src" add -A; git -C "$WORK/src" -c user.name=b -c user.email=b@b commit -qm "$1"; }
commit first
git clone -q --bare "$WORK/src" "$WORK/repo.git"

python3 - "$GW" "$TOKEN" "$WORK" "$REGISTRY" "$RUNS" <<'PY'
import json, os, subprocess, sys, tempfile, threading, time, urllib.request
gw, api_token, work, registry, runs = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5])

def call(method, path, body=None, jwt=None):
    req = urllib.request.Request(gw + path, method=method, data=None if body is None else json.dumps(body).encode(),
                                 headers={"Content-Type": "application/json", **({"Authorization": "Bearer " + jwt} if jwt else {})})
    with urllib.request.urlopen(req) as r:
        return json.loads(r.read() or b"{}")

jwt = call("POST", "/api/v1/auth/token", {"api_token": api_token})["access_token"]
mark = str(int(time.time()))
project = call("POST", "/api/v1/projects", {"name": "bench build " + mark}, jwt)["id"]
repo = "file://" + work + "/repo.git"
service = call("POST", f"/api/v1/projects/{project}/services", {"name": "app", "slug": "app", "type": "webapp",
               "build_source": {"type": "git", "repository": repo, "branch": "main"}, "ports": [{"name": "http", "port": 8080, "public": True}]}, jwt)["id"]

def request_build():
    for _ in range(100):  # the projection may be a moment behind the service's creation
        try:
            return call("POST", f"/api/v1/services/{service}/builds", {}, jwt)["id"]
        except urllib.error.HTTPError as e:
            if e.code != 404:
                raise
            time.sleep(0.1)
    raise SystemExit("build-service never saw the service")

def wait(build):
    while True:
        b = call("GET", f"/api/v1/builds/{build}", None, jwt)
        if b["state"] in ("SUCCEEDED", "FAILED", "CANCELLED", "TIMED_OUT"):
            return b
        time.sleep(0.02)

def platform():
    started = time.monotonic()
    b = wait(request_build())
    if b["state"] != "SUCCEEDED":
        raise SystemExit(f"platform build {b['id']} {b['state']}: {b.get('reason')}")
    return time.monotonic() - started

def by_hand(n):
    started = time.monotonic()
    with tempfile.TemporaryDirectory(dir=work) as tmp:
        src = os.path.join(tmp, "src")
        image = f"{registry}/bench/by-hand:{mark}-{n}"
        subprocess.run(["git", "clone", "-q", repo, src], check=True)
        subprocess.run(["buildah", "bud", "-q", "--layers", "--pull=false", "-t", image, src], check=True, stdout=subprocess.DEVNULL)
        subprocess.run(["buildah", "push", "-q", "--tls-verify=false", "--digestfile", os.path.join(tmp, "digest"), image,
                        "docker://" + image], check=True, stdout=subprocess.DEVNULL)
        took = time.monotonic() - started
        subprocess.run(["buildah", "rmi", "-f", image], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return took

def new_commit(n):
    subprocess.run(["bash", "-c", f'cd "{work}/src" && echo run-{n} > www/index.html && git add -A && '
                    f'git -c user.name=b -c user.email=b@b commit -qm run-{n} && git push -q "{work}/repo.git" main'], check=True)

platform(); by_hand(0)  # warm-up: clone the mirror, fill the layer cache, JIT
p, h = [], []
for n in range(1, runs + 1):
    new_commit(f"p{n}"); p.append(platform())
    new_commit(f"h{n}"); h.append(by_hand(n))
    print(f"run {n}: platform {p[-1]:.2f} s, by hand {h[-1]:.2f} s", flush=True)
med = lambda xs: sorted(xs)[len(xs) // 2]
print(f"median build, request to SUCCEEDED: platform {med(p):.2f} s, by hand (clone + bud + push) {med(h):.2f} s, "
      f"overhead {1000 * (med(p) - med(h)):+.0f} ms = {100 * (med(p) / med(h) - 1):+.1f} % (budget < 10 %)")
print(f"fastest build: platform {min(p):.2f} s, by hand {min(h):.2f} s, overhead {1000 * (min(p) - min(h)):+.0f} ms = "
      f"{100 * (min(p) / min(h) - 1):+.1f} %")
slow = lambda xs: sum(x > min(xs) + 0.5 for x in xs)
print(f"runs a second step slower than the fastest: platform {slow(p)} of {runs}, by hand {slow(h)} of {runs}")

print("== ten builds of one project requested at once ==")
new_commit("ten")
started = time.monotonic()
ids = [None] * 10
threads = [threading.Thread(target=lambda i=i: ids.__setitem__(i, request_build())) for i in range(10)]
[t.start() for t in threads]; [t.join() for t in threads]
most, states = 0, {}
while True:
    states = {i: call("GET", f"/api/v1/builds/{i}", None, jwt)["state"] for i in ids}
    most = max(most, sum(s in ("CLONING", "BUILDING", "PUSHING") for s in states.values()))
    if all(s in ("SUCCEEDED", "FAILED", "CANCELLED", "TIMED_OUT") for s in states.values()):
        break
    time.sleep(0.2)
took = time.monotonic() - started
counts = {s: list(states.values()).count(s) for s in set(states.values())}
print(f"ten builds: all ended in {took:.1f} s ({counts}); at most {most} running at once "
      f"(limit per project: openpaas.build.max-per-project, 2 by default)")
PY
