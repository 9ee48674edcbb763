-- Which secret groups each service is linked to, from paas.secret.* (docs/secrets.md): names,
-- versions and keys only. Values are fetched from secrets-service when a rollout starts and are
-- never stored here.
create table secret_links (
    project_id    uuid not null,
    group_name    text not null,
    version       integer not null,
    keys          text[] not null,
    services      uuid[] not null,
    store         text not null,
    deleted       boolean not null default false,
    changed_at    timestamptz not null,
    primary key (project_id, group_name)
);
create index secret_links_services on secret_links using gin (services);
