-- Secret groups (docs/secrets.md). What the API shows of a group (names, keys, versions, links,
-- times) lives here whatever the store; the values live in the configured store: the tables
-- data_keys and secret_values below for the built-in one, Vault's KV v2 otherwise.
create table secret_groups (
    id          uuid primary key,
    project_id  uuid not null,
    name        text not null,
    version     integer not null,          -- the current version, also the ETag
    keys        text[] not null,
    services    uuid[] not null default '{}',
    store       text not null,             -- builtin | vault: where the values are
    created_at  timestamptz not null,
    created_by  text not null,
    updated_at  timestamptz not null,
    updated_by  text not null,
    constraint secret_groups_name unique (project_id, name)
);

create table secret_versions (
    group_id    uuid not null references secret_groups (id) on delete cascade,
    version     integer not null,
    keys        text[] not null,
    created_at  timestamptz not null,
    created_by  text not null,
    primary key (group_id, version)
);

-- Built-in store: one data key per group, wrapped (AES-256-GCM) by the master key named by its id.
create table data_keys (
    -- deferred: the store writes a new group's key and values before the group row (same transaction)
    group_id      uuid primary key references secret_groups (id) on delete cascade deferrable initially deferred,
    master_key_id text not null,
    wrapped       bytea not null
);
create index data_keys_master on data_keys (master_key_id);

-- Built-in store: each version's values, nonce || AES-256-GCM(data key, JSON object), with
-- project, group and version as associated data.
create table secret_values (
    group_id    uuid not null references secret_groups (id) on delete cascade deferrable initially deferred,
    version     integer not null,
    ciphertext  bytea not null,
    primary key (group_id, version)
);

-- The services of every project (from paas.service.*), so a link names a service that exists.
create table service_projection (
    service_id  uuid primary key,
    project_id  uuid not null,
    slug        text not null,
    deleted     boolean not null default false,
    changed_at  timestamptz not null
);
