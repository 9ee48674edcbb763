#!/usr/bin/env bash
# Creates the OpenPaaS database, one role per service and the schema each role owns (docs/contracts.md).
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
# Audit retention: audit-service's role may only insert and read its records (its migration revokes
# the rest and adds a refusing trigger). Archiving old records goes through this one function,
# owned by the superuser, which removes only records behind a checkpoint and older than the
# minimum age in retention_policy (superuser-owned too: the service cannot shorten it).
# They live in their own schema, audit_admin, so that the service's schema holds only what its
# migrations made.
psql -q -v ON_ERROR_STOP=1 -d "$DB" <<'SQL'
create schema if not exists audit_admin;
grant usage on schema audit_admin to openpaas_audit;
create table if not exists audit_admin.retention_policy (id smallint primary key check (id = 1), min_age interval not null);
insert into audit_admin.retention_policy values (1, interval '1 day') on conflict do nothing;
grant select on audit_admin.retention_policy to openpaas_audit;
create or replace function audit_admin.archive_through(through bigint) returns bigint
language plpgsql security definer set search_path = audit, audit_admin, pg_temp as $$
declare
    removed bigint;
begin
    if not exists (select 1 from audit_checkpoints c join audit_records r on r.seq = c.seq and r.hash = c.hash where c.seq = through) then
        raise exception 'no checkpoint at seq % matches the record there', through;
    end if;
    if exists (select 1 from audit_records where seq <= through
               and recorded_at > now() - (select min_age from retention_policy where id = 1)) then
        raise exception 'records up to seq % are younger than the retention policy allows to archive', through;
    end if;
    perform set_config('openpaas.audit.archiving', 'on', true);
    delete from audit_records where seq <= through;
    get diagnostics removed = row_count;
    return removed;
end
$$;
revoke all on function audit_admin.archive_through(bigint) from public;
grant execute on function audit_admin.archive_through(bigint) to openpaas_audit;
SQL

echo "database $DB ready with roles: $(for s in $SCHEMAS; do printf 'openpaas_%s ' "$s"; done)"
