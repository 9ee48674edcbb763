#!/usr/bin/env bash
# Read-only NATS credentials for people outside the platform, who subscribe to its CloudEvents
# (paas.>) with any NATS client: no publish, no JetStream API, no security events unless granted.
#   deploy/local/subscribers.sh add <name> [--security]   prints the user and password (kept 0600 in the state folder)
#   deploy/local/subscribers.sh revoke <name>             the user is gone and its connections closed
#   deploy/local/subscribers.sh list
# Acts on the nats-server the local run started (deploy/local/up.sh) and reloads it.
source "$(dirname "$0")/lib.sh"
LIST="$OPENPAAS_STATE_DIR/nats/subscribers.list"
PIDFILE="$OPENPAAS_STATE_DIR/nats-server.pid"
mkdir -p "$OPENPAAS_STATE_DIR/nats/passwords"; touch "$LIST"
name="${2:-}"
if [ "${1:-}" != list ] && ! [[ "$name" =~ ^[a-z0-9][a-z0-9-]{0,40}$ ]]; then
  echo "usage: $0 add <name> [--security] | revoke <name> | list   (name: lowercase letters, digits, dashes)" >&2; exit 2
fi
reload() {
  # shellcheck disable=SC2086
  bash "$ROOT/deploy/nats/gen-auth.sh" "$OPENPAAS_STATE_DIR" ${NATS_DURABLE_SUFFIXES:-""}
  if [ -f "$PIDFILE" ] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null; then kill -HUP "$(cat "$PIDFILE")"; fi
}
case "${1:-}" in
  add)
    security=0; [ "${3:-}" = --security ] && security=1
    sed -i "/^$name /d" "$LIST"
    rm -f "$OPENPAAS_STATE_DIR/nats/passwords/subscriber-$name" # a new password each time
    echo "$name $security" >> "$LIST"
    reload
    echo "user: subscriber-$name"
    echo "password: $(cat "$OPENPAAS_STATE_DIR/nats/passwords/subscriber-$name")"
    echo "url: nats://127.0.0.1:$(cat "$OPENPAAS_STATE_DIR/nats/port" 2>/dev/null || echo 4222)"
    ;;
  revoke)
    grep -q "^$name " "$LIST" || { echo "no subscriber '$name'" >&2; exit 1; }
    sed -i "/^$name /d" "$LIST"
    rm -f "$OPENPAAS_STATE_DIR/nats/passwords/subscriber-$name"
    reload
    echo "revoked subscriber-$name"
    ;;
  list) awk '{print "subscriber-" $1 ($2 == 1 ? " (with security events)" : "")}' "$LIST" ;;
  *) echo "usage: $0 add <name> [--security] | revoke <name> | list" >&2; exit 2 ;;
esac
