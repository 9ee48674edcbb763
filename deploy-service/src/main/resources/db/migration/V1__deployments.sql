-- deploy-service's own data (docs/deployments.md). What it knows of projects, services and builds
-- comes only from their events; a newer event wins, deletions stay as tombstones.

create table project_slugs (
    project_id uuid primary key,
    slug       text        not null,
    deleted    boolean     not null default false,
    changed_at timestamptz not null
);

-- How each service runs: its ports and runtime as project-service published them.
create table service_runtimes (
    service_id  uuid primary key,
    project_id  uuid        not null,
    slug        text        not null,
    source_type text        not null,
    image       text,
    ports       text        not null default '[]',
    runtime     text        not null default '{}',
    auto_deploy boolean     not null default false,
    deleted     boolean     not null default false,
    changed_at  timestamptz not null
);

-- Builds that produced an image (paas.build.*.succeeded).
create table built_images (
    build_id   uuid primary key,
    service_id uuid        not null,
    project_id uuid        not null,
    image      text        not null,
    commit_sha varchar(64),
    built_at   timestamptz not null
);
create index built_images_service on built_images (service_id, built_at desc);

create table deployments (
    id          uuid primary key,
    project_id  uuid        not null,
    service_id  uuid        not null,
    state       varchar(16) not null,
    trigger     varchar(16) not null,
    requested_by text       not null,
    image       text        not null,
    build_id    uuid,
    replicas    integer     not null,
    spec        text        not null,
    reason      text,
    worker      text,
    created_at  timestamptz not null,
    started_at  timestamptz,
    finished_at timestamptz,
    deadline_at timestamptz,
    version     bigint      not null default 0
);
create index deployments_service on deployments (service_id, id desc);
create index deployments_open on deployments (service_id, created_at)
    where state in ('PENDING', 'APPLYING', 'PROGRESSING');
-- one deployment per successful build when it deploys itself: the same event twice makes one
create unique index deployments_auto_build on deployments (build_id) where trigger = 'build';
