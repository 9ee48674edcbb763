#!/usr/bin/env bash
# Stops what up.sh started (the services, the gateway, and a nats-server it launched itself).
source "$(dirname "$0")/lib.sh"
for pidfile in "$OPENPAAS_STATE_DIR"/*.pid; do
  [ -e "$pidfile" ] || continue
  pid="$(cat "$pidfile")"
  if kill -0 "$pid" 2>/dev/null; then
    log "stopping $(basename "$pidfile" .pid)"
    kill "$pid"
    for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
    kill -9 "$pid" 2>/dev/null || true
  fi
  rm -f "$pidfile"
done
