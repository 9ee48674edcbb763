#!/usr/bin/env bash
# Runs the whole test suite on real PostgreSQL, NATS and Redis, starting them first when needed.
# Extra arguments go to Maven (e.g. -pl project-service).
source "$(dirname "$0")/lib.sh"
ensure_java_and_maven
ensure_postgres
ensure_nats
ensure_redis
export OPENPAAS_REDIS_URL="$REDIS_URL"
init_database openpaas_test
cd "$ROOT"
exec mvn -B -ntp install "$@"
