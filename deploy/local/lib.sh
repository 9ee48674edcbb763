# Shared helpers of the local scripts: make sure PostgreSQL and NATS (JetStream) run, installing
# them from Debian's packages when missing, and prepare the database. Sourced, not run.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
export OPENPAAS_STATE_DIR="${OPENPAAS_STATE_DIR:-$ROOT/deploy/local/.state}"
mkdir -p "$OPENPAAS_STATE_DIR/logs"
PG_HOST="${OPENPAAS_DATABASE_HOST:-127.0.0.1}"
PG_PORT="${OPENPAAS_DATABASE_PORT:-5432}"
NATS_URL="${OPENPAAS_NATS_URL:-nats://127.0.0.1:4222}"

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
  # local runs connect over TCP as the postgres superuser to create roles: allow it on loopback
  if ! psql -h "$PG_HOST" -p "$PG_PORT" -U postgres -d postgres -tAc 'select 1' >/dev/null 2>&1; then
    local hba="/etc/postgresql/$version/main/pg_hba.conf"
    log "allowing loopback trust for the local run in $hba"
    sed -i '1i host all all 127.0.0.1/32 trust' "$hba"
    pg_ctlcluster --skip-systemctl-redirect "$version" main reload || pg_ctlcluster "$version" main reload
  fi
}

ensure_nats() {
  local hostport="${NATS_URL#nats://}"
  if port_open "${hostport%:*}" "${hostport##*:}"; then return; fi
  if ! command -v nats-server >/dev/null; then
    log "installing nats-server"; apt_install nats-server
  fi
  mkdir -p "$OPENPAAS_STATE_DIR/nats"
  local conf="$OPENPAAS_STATE_DIR/nats-server.conf"
  sed "s#\${OPENPAAS_STATE_DIR}#$OPENPAAS_STATE_DIR#" "$ROOT/deploy/nats/nats-server.conf" > "$conf"
  if ! nats_supports_sync_always; then
    log "WARNING: nats-server $(nats-server --version | sed 's/.*v//') cannot fsync every JetStream write (needs >= 2.10):"
    log "         acknowledged events may be lost on power loss (not on a crash). Install a newer nats-server for that."
    sed -i '/sync_interval/d' "$conf"
  fi
  log "starting nats-server with JetStream"
  nohup nats-server -c "$conf" > "$OPENPAAS_STATE_DIR/logs/nats-server.log" 2>&1 &
  echo $! > "$OPENPAAS_STATE_DIR/nats-server.pid"
  for _ in $(seq 1 40); do port_open "${hostport%:*}" "${hostport##*:}" && return; sleep 0.25; done
  log "nats-server did not start; see $OPENPAAS_STATE_DIR/logs/nats-server.log"; exit 1
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
  PGHOST="$PG_HOST" PGPORT="$PG_PORT" bash "$ROOT/deploy/postgres/init-db.sh" "$1" >&2
}

ensure_java_and_maven() {
  command -v java >/dev/null || apt_install openjdk-17-jdk-headless
  command -v mvn >/dev/null || apt_install maven
}
