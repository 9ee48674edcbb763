# Shared helpers of the local scripts: make sure PostgreSQL and NATS (JetStream) run, installing
# them from Debian's packages when missing, and prepare the database. Sourced, not run.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
export OPENPAAS_STATE_DIR="${OPENPAAS_STATE_DIR:-$ROOT/deploy/local/.state}"
# everything the platform writes (logs, keys, tokens, passwords, archives) is for this user only
umask 077
mkdir -p "$OPENPAAS_STATE_DIR/logs"
chmod 700 "$OPENPAAS_STATE_DIR" "$OPENPAAS_STATE_DIR/logs"
PG_HOST="${OPENPAAS_DATABASE_HOST:-127.0.0.1}"
PG_PORT="${OPENPAAS_DATABASE_PORT:-5432}"

log() { printf '[openpaas] %s\n' "$*" >&2; }

port_open() { (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; }

apt_install() {
  if [ "$(id -u)" != 0 ]; then log "need root to install $*; install them and re-run"; exit 1; fi
  if [ -z "${_APT_UPDATED:-}" ]; then DEBIAN_FRONTEND=noninteractive apt-get update -qq; _APT_UPDATED=1; fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

ensure_postgres() {
  if port_open "$PG_HOST" "$PG_PORT"; then return; fi
  if ! command -v pg_ctlcluster >/dev/null; then
    log "installing PostgreSQL"; apt_install postgresql postgresql-client
  fi
  local version; version="$(ls /etc/postgresql | sort -V | tail -1)"
  log "starting PostgreSQL $version"
  pg_ctlcluster --skip-systemctl-redirect "$version" main start || pg_ctlcluster "$version" main start
  for _ in $(seq 1 60); do port_open "$PG_HOST" "$PG_PORT" && break; sleep 0.5; done
  port_open "$PG_HOST" "$PG_PORT" || { log "PostgreSQL did not start"; exit 1; }
}

# Runs a command as the PostgreSQL superuser: over TCP where that is allowed (this machine kind
# trusts loopback), else as the postgres system user over the local socket (peer authentication),
# so pg_hba.conf is never loosened.
as_pg_superuser() {
  if psql -h "$PG_HOST" -p "$PG_PORT" -U postgres -d postgres -tAc 'select 1' >/dev/null 2>&1; then
    PGHOST="$PG_HOST" PGPORT="$PG_PORT" PGUSER=postgres "$@"
  elif [ "$(id -u)" = 0 ] && command -v runuser >/dev/null; then
    # passwords pass in the environment (never on a command line, which every user can read)
    local keep; keep="PGHOST,PGPORT,PGUSER,$(env | grep -o '^OPENPAAS_DB_PASSWORD_[A-Z_]*' | paste -sd, -)"
    PGHOST=/var/run/postgresql PGPORT="$PG_PORT" PGUSER=postgres runuser -u postgres -w "$keep" -- "$@"
  else
    log "cannot reach PostgreSQL as its superuser (neither over TCP nor as the postgres system user)"; exit 1
  fi
}

# One generated password per database role, kept in the state folder (0600) and given to the
# role by init-db.sh and to the service by the scripts; OPENPAAS_DB_PASSWORD_<ROLE> overrides it.
export_db_passwords() {
  mkdir -p "$OPENPAAS_STATE_DIR/db"
  local name var file
  for name in projects builds deploys secrets audit audit_owner; do
    var="OPENPAAS_DB_PASSWORD_$(echo "$name" | tr 'a-z' 'A-Z')"
    file="$OPENPAAS_STATE_DIR/db/openpaas_$name.password"
    if [ -z "${!var:-}" ]; then
      [ -s "$file" ] || head -c 32 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 32 > "$file"
      export "$var=$(cat "$file")"
    fi
  done
}

# The platform's own nats-server, with a user per process (deploy/nats/gen-auth.sh): on 4222 when
# that port is free, else on the next free one (a machine may already run a NATS without users).
# OPENPAAS_NATS_URL set by the caller means "use that server as it is" instead.
# Exports OPENPAAS_NATS_URL and each process's OPENPAAS_NATS_PASSWORD_<PROCESS>.
# NATS_DURABLE_SUFFIXES: the consumer name suffixes whose consumers the services may pull from.
ensure_nats() {
  if [ -n "${OPENPAAS_NATS_URL:-}" ] && [ -z "${_OPENPAAS_OWN_NATS:-}" ]; then
    local hostport="${OPENPAAS_NATS_URL#nats://}"
    port_open "${hostport%:*}" "${hostport##*:}" || { log "no NATS answers at $OPENPAAS_NATS_URL"; exit 1; }
    return
  fi
  if ! command -v nats-server >/dev/null; then
    log "installing nats-server"; apt_install nats-server
  fi
  local dir="$OPENPAAS_STATE_DIR/nats" pidfile="$OPENPAAS_STATE_DIR/nats-server.pid" port
  # shellcheck disable=SC2086
  bash "$ROOT/deploy/nats/gen-auth.sh" "$OPENPAAS_STATE_DIR" ${NATS_DURABLE_SUFFIXES:-""}
  if [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null; then
    port="$(cat "$dir/port")"
    kill -HUP "$(cat "$pidfile")" # users may have changed: reload them
  else
    port=4222
    while port_open 127.0.0.1 "$port"; do port=$((port + 1)); [ "$port" -lt 4262 ] || { log "no free port for nats-server"; exit 1; }; done
    echo "$port" > "$dir/port"
    sed -e "s#\${OPENPAAS_STATE_DIR}#$OPENPAAS_STATE_DIR#" -e "s#\${OPENPAAS_NATS_PORT}#$port#" \
      "$ROOT/deploy/nats/nats-server.conf" > "$dir/nats-server.conf"
    if ! nats_supports_sync_always; then
      log "WARNING: nats-server $(nats-server --version | sed 's/.*v//') cannot fsync every JetStream write (needs >= 2.10):"
      log "         acknowledged events may be lost on power loss (not on a crash). Install a newer nats-server for that."
      sed -i '/sync_interval/d' "$dir/nats-server.conf"
    fi
    log "starting nats-server with JetStream and per-process users on 127.0.0.1:$port"
    nohup nats-server -c "$dir/nats-server.conf" > "$OPENPAAS_STATE_DIR/logs/nats-server.log" 2>&1 &
    echo $! > "$pidfile"
    for _ in $(seq 1 40); do port_open 127.0.0.1 "$port" && break; sleep 0.25; done
    port_open 127.0.0.1 "$port" || { log "nats-server did not start; see $OPENPAAS_STATE_DIR/logs/nats-server.log"; exit 1; }
  fi
  export_nats_env
}

# OPENPAAS_NATS_URL and the per-process passwords of the nats-server ensure_nats started.
export_nats_env() {
  local dir="$OPENPAAS_STATE_DIR/nats" user
  [ -f "$dir/port" ] || return 0
  export _OPENPAAS_OWN_NATS=1 OPENPAAS_NATS_URL="nats://127.0.0.1:$(cat "$dir/port")"
  for user in "$dir"/passwords/*; do
    [ -e "$user" ] || continue
    export "OPENPAAS_NATS_PASSWORD_$(basename "$user" | tr 'a-z-' 'A-Z_')=$(cat "$user")"
  done
}

# nats-server learnt "sync_interval: always" (fsync before every ack) in 2.10.
nats_supports_sync_always() {
  local version; version="$(nats-server --version | sed 's/.*v//')"
  [ "$(printf '%s\n2.10.0\n' "$version" | sort -V | head -1)" = "2.10.0" ]
}

REDIS_URL="${OPENPAAS_REDIS_URL:-redis://127.0.0.1:6379}"

# Redis backs the shared rate limit of several gateway replicas (the tests run two of them).
ensure_redis() {
  local hostport="${REDIS_URL#redis://}"; hostport="${hostport##*@}"; hostport="${hostport%%/*}"
  if port_open "${hostport%:*}" "${hostport##*:}"; then return; fi
  if ! command -v redis-server >/dev/null; then
    log "installing redis-server"; apt_install redis-server
  fi
  log "starting redis-server"
  redis-server --bind 127.0.0.1 --port "${hostport##*:}" --save '' --appendonly no --daemonize yes \
    --logfile "$OPENPAAS_STATE_DIR/logs/redis.log" --pidfile "$OPENPAAS_STATE_DIR/redis.pid" >/dev/null
  for _ in $(seq 1 40); do port_open "${hostport%:*}" "${hostport##*:}" && return; sleep 0.25; done
  log "redis-server did not start; see $OPENPAAS_STATE_DIR/logs/redis.log"; exit 1
}

init_database() {
  export_db_passwords
  as_pg_superuser bash "$ROOT/deploy/postgres/init-db.sh" "$1" >&2
}

ensure_java_and_maven() {
  command -v java >/dev/null || apt_install openjdk-17-jdk-headless
  command -v mvn >/dev/null || apt_install maven
}

# What the local build executor runs: buildah (with runc) and a registry; busybox-static makes the
# tests' FROM-scratch images. Installed from Debian when missing.
ensure_build_tools() {
  local missing=()
  command -v buildah >/dev/null || missing+=(buildah)
  command -v runc >/dev/null || missing+=(runc)
  command -v docker-registry >/dev/null || missing+=(docker-registry)
  [ -x /bin/busybox ] && /bin/busybox --list 2>/dev/null | grep -qx httpd || missing+=(busybox-static)
  if [ "${#missing[@]}" -gt 0 ]; then log "installing ${missing[*]}"; apt_install "${missing[@]}"; fi
  write_container_conf
}

# This machine's container settings live in config files the tools read, not in the services' code:
# runc (crun fails under hybrid cgroups here), lower ulimits (the defaults cannot be set here) and
# vfs storage under the state folder.
write_container_conf() {
  local dir="$OPENPAAS_STATE_DIR/containers"
  mkdir -p "$dir/storage" "$dir/run"
  cat > "$dir/containers.conf" <<CONF
[containers]
default_ulimits = ["nofile=1024:1024", "nproc=1024:1024"]
[engine]
runtime = "runc"
CONF
  cat > "$dir/storage.conf" <<CONF
[storage]
driver = "vfs"
runroot = "$dir/run"
graphroot = "$dir/storage"
CONF
  # the local registry serves plain HTTP on loopback: pulls from it must not insist on TLS
  local registry="${OPENPAAS_REGISTRY_URL:-127.0.0.1:5000}"
  cat > "$dir/registries.conf" <<CONF
unqualified-search-registries = []
[[registry]]
location = "${registry#http://}"
insecure = true
CONF
  export CONTAINERS_CONF="$dir/containers.conf" CONTAINERS_STORAGE_CONF="$dir/storage.conf" CONTAINERS_REGISTRIES_CONF="$dir/registries.conf"
}

# The local registry images are pushed to (Debian's docker-registry, storage under the state
# folder) on 127.0.0.1:5000 or the next free port, unless OPENPAAS_REGISTRY_URL names another.
ensure_registry() {
  if [ -n "${OPENPAAS_REGISTRY_URL:-}" ] && [ -z "${_OPENPAAS_OWN_REGISTRY:-}" ]; then return; fi
  local dir="$OPENPAAS_STATE_DIR/registry" pidfile="$OPENPAAS_STATE_DIR/registry.pid" port
  mkdir -p "$dir/storage"
  if [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null; then
    port="$(cat "$dir/port")"
  else
    port=5000
    while port_open 127.0.0.1 "$port"; do port=$((port + 1)); [ "$port" -lt 5040 ] || { log "no free port for the registry"; exit 1; }; done
    echo "$port" > "$dir/port"
    cat > "$dir/config.yml" <<CONF
version: 0.1
log:
  level: warn
storage:
  filesystem:
    rootdirectory: $dir/storage
  delete:
    enabled: true
http:
  addr: 127.0.0.1:$port
CONF
    log "starting the image registry on 127.0.0.1:$port"
    nohup docker-registry serve "$dir/config.yml" > "$OPENPAAS_STATE_DIR/logs/registry.log" 2>&1 &
    echo $! > "$pidfile"
    for _ in $(seq 1 40); do port_open 127.0.0.1 "$port" && break; sleep 0.25; done
    port_open 127.0.0.1 "$port" || { log "the registry did not start; see $OPENPAAS_STATE_DIR/logs/registry.log"; exit 1; }
  fi
  export _OPENPAAS_OWN_REGISTRY=1 OPENPAAS_REGISTRY_URL="127.0.0.1:$port"
}

# The Docker Engine API local deployments go through: Docker's own socket when a Docker engine
# answers, else podman's Docker-compatible API service on a socket under the state folder, with
# this machine's container settings (write_container_conf). Exports OPENPAAS_DOCKER_HOST.
ensure_container_engine() {
  if [ -n "${OPENPAAS_DOCKER_HOST:-}" ]; then return; fi
  if [ -S /var/run/docker.sock ] && curl -fsS --unix-socket /var/run/docker.sock http://d/_ping >/dev/null 2>&1; then
    export OPENPAAS_DOCKER_HOST=unix:///var/run/docker.sock; return
  fi
  command -v podman >/dev/null || { log "installing podman"; apt_install podman; }
  write_container_conf
  local sock="$OPENPAAS_STATE_DIR/containers/podman.sock" pidfile="$OPENPAAS_STATE_DIR/podman.pid"
  if ! { [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null; }; then
    rm -f "$sock"
    log "starting podman's Docker API service on $sock"
    nohup podman system service --time=0 "unix://$sock" > "$OPENPAAS_STATE_DIR/logs/podman.log" 2>&1 &
    echo $! > "$pidfile"
  fi
  for _ in $(seq 1 40); do curl -fsS --unix-socket "$sock" http://d/_ping >/dev/null 2>&1 && break; sleep 0.25; done
  curl -fsS --unix-socket "$sock" http://d/_ping >/dev/null 2>&1 || { log "podman's API did not start; see $OPENPAAS_STATE_DIR/logs/podman.log"; exit 1; }
  export OPENPAAS_DOCKER_HOST="unix://$sock"
}

# The reverse proxy in front of locally deployed apps: Caddy, configured by deploy-service through
# its admin API (127.0.0.1:2019 or the next free port); apps answer on OPENPAAS_PROXY_PORT (8000 or
# the next free one). Exports OPENPAAS_PROXY_ADMIN_URL and OPENPAAS_PROXY_PORT.
ensure_proxy() {
  if [ -n "${OPENPAAS_PROXY_ADMIN_URL:-}" ] && [ -z "${_OPENPAAS_OWN_PROXY:-}" ]; then return; fi
  command -v caddy >/dev/null || { log "installing caddy"; apt_install caddy; }
  local dir="$OPENPAAS_STATE_DIR/proxy" pidfile="$OPENPAAS_STATE_DIR/caddy.pid" admin port
  mkdir -p "$dir"
  # Each routing change reloads Caddy, which on Linux opens a new SO_REUSEPORT socket and closes the
  # old one; the kernel resets connections still queued on the old one unless it hands them over
  # (Linux >= 5.14). Without it, about one request in 20,000 fails during a rollout.
  if [ "$(cat /proc/sys/net/ipv4/tcp_migrate_req 2>/dev/null)" != 1 ]; then
    { echo 1 > /proc/sys/net/ipv4/tcp_migrate_req; } 2>/dev/null || sudo -n sysctl -qw net.ipv4.tcp_migrate_req=1 2>/dev/null \
      || log "WARNING: cannot set net.ipv4.tcp_migrate_req=1: a proxy reload may reset a connection now and then"
  fi
  if [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null; then
    admin="$(cat "$dir/admin-port")" port="$(cat "$dir/port")"
  else
    admin=2019; while port_open 127.0.0.1 "$admin"; do admin=$((admin + 1)); done
    port="${OPENPAAS_PROXY_PORT:-8000}"; while port_open 127.0.0.1 "$port"; do port=$((port + 1)); done
    echo "$admin" > "$dir/admin-port"; echo "$port" > "$dir/port"
    printf '{"admin":{"listen":"127.0.0.1:%s"}}\n' "$admin" > "$dir/caddy.json"
    log "starting caddy (admin API on 127.0.0.1:$admin, apps on port $port)"
    XDG_DATA_HOME="$dir" XDG_CONFIG_HOME="$dir" nohup caddy run --config "$dir/caddy.json" > "$OPENPAAS_STATE_DIR/logs/caddy.log" 2>&1 &
    echo $! > "$pidfile"
    for _ in $(seq 1 40); do port_open 127.0.0.1 "$admin" && break; sleep 0.25; done
    port_open 127.0.0.1 "$admin" || { log "caddy did not start; see $OPENPAAS_STATE_DIR/logs/caddy.log"; exit 1; }
  fi
  export _OPENPAAS_OWN_PROXY=1 OPENPAAS_PROXY_ADMIN_URL="http://127.0.0.1:$admin" OPENPAAS_PROXY_PORT="$port"
}
