#!/usr/bin/env bash
# Runs the whole test suite on real PostgreSQL and NATS, starting them first when needed.
# Extra arguments go to Maven (e.g. -pl project-service).
source "$(dirname "$0")/lib.sh"
ensure_java_and_maven
ensure_postgres
ensure_nats
init_database openpaas_test
cd "$ROOT"
exec mvn -B -ntp install "$@"
