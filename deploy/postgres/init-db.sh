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
# ensure_role <role>: a login role whose password is OPENPAAS_DB_PASSWORD_<ROLE without openpaas_>,
# or the role's name (the local default); an existing role's password is set again only when given.
ensure_role() {
  local role="$1" var="OPENPAAS_DB_PASSWORD_$(echo "${1#openpaas_}" | tr 'a-z' 'A-Z')"
  local password="${!var:-$role}"
  psql -q -v ON_ERROR_STOP=1 -d "$DB" <<SQL
do \$\$ begin
  if not exists (select 1 from pg_roles where rolname = '$role') then
    create role $role login password '$password';
  elsif '${!var:-}' <> '' then
    alter role $role password '${!var:-}';
  end if;
end \$\$;
grant connect on database "$DB" to $role;
SQL
}

for schema in $SCHEMAS; do
  role="openpaas_$schema"
  ensure_role "$role"
  if [ "$schema" = audit ]; then continue; fi
  psql -q -v ON_ERROR_STOP=1 -d "$DB" <<SQL
create schema if not exists $schema authorization $role;
alter role $role in database "$DB" set search_path = $schema;
SQL
done

# The audit schema and everything in it belong to openpaas_audit_owner, a role audit-service does
# not hold at run time: only its migrations run as that owner (see docs/architecture.md, "Who owns
# the audit trail"). The service's role openpaas_audit gets what appending and reading need, from
# those migrations. An installation where the service's role still owns the schema is moved over.
ensure_role openpaas_audit_owner
psql -q -v ON_ERROR_STOP=1 -d "$DB" <<SQL
do \$\$ begin
  if exists (select 1 from pg_namespace n join pg_roles r on r.oid = n.nspowner
             where n.nspname = 'audit' and r.rolname = 'openpaas_audit') then
    reassign owned by openpaas_audit to openpaas_audit_owner;
  end if;
end \$\$;
create schema if not exists audit authorization openpaas_audit_owner;
revoke create on schema audit from openpaas_audit;
grant usage on schema audit to openpaas_audit;
alter role openpaas_audit in database "$DB" set search_path = audit;
alter role openpaas_audit_owner in database "$DB" set search_path = audit;
SQL
# Audit retention: audit-service's role may only insert and read its records. Archiving old records
# goes through this one function, owned by the audit owner (not by a superuser), which removes only
# records behind a checkpoint and older than the minimum age in retention_policy (superuser-owned:
# neither the service nor the owner can shorten it). Every name in it is schema-qualified and its
# search_path holds only pg_catalog, so no object the service can create is ever resolved by it.
# They live in their own schema, audit_admin, so that the service's schema holds only what its
# migrations made.
psql -q -v ON_ERROR_STOP=1 -d "$DB" <<'SQL'
create schema if not exists audit_admin;
revoke create on schema audit_admin from public;
grant usage on schema audit_admin to openpaas_audit, openpaas_audit_owner;
create table if not exists audit_admin.retention_policy (id smallint primary key check (id = 1), min_age interval not null);
insert into audit_admin.retention_policy values (1, interval '1 day') on conflict do nothing;
grant select on audit_admin.retention_policy to openpaas_audit, openpaas_audit_owner;
create or replace function audit_admin.archive_through(through bigint) returns bigint
language plpgsql security definer set search_path = pg_catalog, pg_temp as $$
declare
    removed bigint;
begin
    if not exists (select 1 from audit.audit_checkpoints c join audit.audit_records r on r.seq = c.seq and r.hash = c.hash
                   where c.seq = through) then
        raise exception 'no checkpoint at seq % matches the record there', through;
    end if;
    if exists (select 1 from audit.audit_records where seq <= through
               and recorded_at > pg_catalog.now() - (select min_age from audit_admin.retention_policy where id = 1)) then
        raise exception 'records up to seq % are younger than the retention policy allows to archive', through;
    end if;
    perform pg_catalog.set_config('openpaas.audit.archiving', 'on', true);
    delete from audit.audit_records where seq <= through;
    get diagnostics removed = row_count;
    perform pg_catalog.set_config('openpaas.audit.archiving', 'off', true);
    return removed;
end
$$;
alter function audit_admin.archive_through(bigint) owner to openpaas_audit_owner;
revoke all on function audit_admin.archive_through(bigint) from public;
grant execute on function audit_admin.archive_through(bigint) to openpaas_audit;
SQL

# V1_1__member_projection.sql changed in a comment only (it named a design file the repository does
# not have). Flyway checksums comments too, so a schema migrated before that change would refuse to
# start: its recorded checksum is moved to the new one, and only where it is exactly the old file's.
psql -q -v ON_ERROR_STOP=1 -d "$DB" <<'SQL'
do $$
declare s text;
begin
  for s in select table_schema from information_schema.tables where table_name = 'flyway_schema_history' loop
    execute format('update %I.flyway_schema_history set checksum = -418222178 '
                   'where script like ''%%V1_1__member_projection.sql'' and checksum = -1650588372', s);
  end loop;
end $$;
SQL

echo "database $DB ready with roles: $(for s in $SCHEMAS; do printf 'openpaas_%s ' "$s"; done)"
