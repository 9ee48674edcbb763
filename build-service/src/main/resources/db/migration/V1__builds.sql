-- build-service's own data (docs/builds.md). What it knows of services comes only from
-- paas.service.* events (service_sources); credentials and webhook secrets are set through its own
-- API and stored encrypted, so they never travel in an event.

-- Projection of each service's build source; a newer event wins, a deleted service stays as a
-- tombstone so that a late "updated" cannot bring it back.
create table service_sources (
    service_id  uuid primary key,
    project_id  uuid        not null,
    slug        text        not null,
    source_type text        not null,
    repository  text,
    branch      text,
    dockerfile  text,
    context     text,
    port        integer,
    deleted     boolean     not null default false,
    changed_at  timestamptz not null
);

create table builds (
    id               uuid primary key,
    project_id       uuid        not null,
    service_id       uuid        not null,
    state            varchar(16) not null,
    trigger          varchar(16) not null,
    requested_by     text        not null,
    repository       text        not null,
    branch           text,
    requested_commit varchar(64),
    dockerfile       text,
    context          text,
    commit_sha       varchar(64),
    image            text,
    reason           text,
    executor         varchar(32) not null,
    worker           text,
    pid              bigint,
    created_at       timestamptz not null,
    started_at       timestamptz,
    finished_at      timestamptz,
    heartbeat_at     timestamptz,
    version          bigint      not null default 0
);
-- newest first per service (ids are time ordered)
create index builds_service on builds (service_id, id desc);
-- the dispatcher's and the recovery sweep's working set stays small
create index builds_unfinished on builds (project_id, state, created_at)
    where state in ('QUEUED', 'CLONING', 'BUILDING', 'PUSHING');
create index builds_finished_at on builds (finished_at) where finished_at is not null;

-- Build output, line by line; seq is the SSE event id a client resumes from.
create table build_logs (
    build_id uuid    not null,
    seq      integer not null,
    line     text    not null,
    primary key (build_id, seq)
);

-- Per-service Git credential: an HTTPS token or an SSH deploy key, AES-GCM encrypted (the service
-- id is the associated data), never readable through the API.
create table git_credentials (
    service_id uuid primary key,
    kind       varchar(16) not null,
    username   text,
    ciphertext bytea       not null,
    updated_at timestamptz not null
);

-- The secret push webhooks are signed with, encrypted like the credentials.
create table webhook_secrets (
    service_id uuid primary key,
    ciphertext bytea       not null,
    created_at timestamptz not null
);

-- Deliveries already acted on: a provider's retry of the same delivery builds once.
create table webhook_deliveries (
    service_id  uuid        not null,
    delivery_id text        not null,
    received_at timestamptz not null,
    build_id    uuid,
    primary key (service_id, delivery_id)
);
create index webhook_deliveries_received on webhook_deliveries (received_at);
