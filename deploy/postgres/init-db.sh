#!/usr/bin/env bash
# Creates the OpenPaaS database, one role per service and the schema each role owns (DESIGN §3).
# Idempotent. Usage: init-db.sh [database]   (connects as PGUSER, default postgres)
# A service's role owns its schema and nothing else: it cannot read or write another schema.
set -euo pipefail
DB="${1:-${OPENPAAS_DATABASE_NAME:-openpaas}}"
export PGHOST="${PGHOST:-${OPENPAAS_DATABASE_HOST:-127.0.0.1}}" PGPORT="${PGPORT:-${OPENPAAS_DATABASE_PORT:-5432}}" PGUSER="${PGUSER:-postgres}"
export PGOPTIONS="-c client_min_messages=warning"
SCHEMAS="projects builds deploys secrets audit"

if ! psql -d postgres -tAc "select 1 from pg_database where datname = '$DB'" | grep -q 1; then
  psql -q -d postgres -c "create database \"$DB\""
fi
psql -q -v ON_ERROR_STOP=1 -d "$DB" <<SQL
revoke all on database "$DB" from public;
revoke create on schema public from public;
SQL
for schema in $SCHEMAS; do
  role="openpaas_$schema"
  # local default password = role name; production sets OPENPAAS_DATABASE_PASSWORD per service
  password_var="OPENPAAS_DB_PASSWORD_${schema^^}"
  password="${!password_var:-$role}"
  psql -q -v ON_ERROR_STOP=1 -d "$DB" <<SQL
do \$\$ begin
  if not exists (select 1 from pg_roles where rolname = '$role') then
    create role $role login password '$password';
  end if;
end \$\$;
grant connect on database "$DB" to $role;
create schema if not exists $schema authorization $role;
alter role $role in database "$DB" set search_path = $schema;
SQL
done
echo "database $DB ready with roles: $(for s in $SCHEMAS; do printf 'openpaas_%s ' "$s"; done)"
