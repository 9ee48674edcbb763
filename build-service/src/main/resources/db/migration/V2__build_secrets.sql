-- The secret keys a service's builds get as build secrets (build_source.secrets; docs/secrets.md):
-- names only, the values are fetched from secrets-service when a build runs.
alter table service_sources add column build_secrets text[] not null default '{}';
