create table projects (
    id          uuid primary key,
    name        varchar(100) not null,
    slug        varchar(63)  not null,
    description varchar(1000),
    created_by  text         not null,
    created_at  timestamptz  not null,
    updated_at  timestamptz  not null,
    version     bigint       not null
);
create unique index projects_slug on projects (slug);

create table services (
    id           uuid primary key,
    project_id   uuid         not null references projects (id) on delete cascade,
    name         varchar(100) not null,
    slug         varchar(63)  not null,
    type         varchar(20)  not null,
    build_source text         not null,
    ports        text         not null,
    created_at   timestamptz  not null,
    updated_at   timestamptz  not null,
    version      bigint       not null
);
create unique index services_project_slug on services (project_id, slug);

create table memberships (
    project_id uuid        not null references projects (id) on delete cascade,
    user_id    text        not null,
    role       varchar(20) not null,
    created_at timestamptz not null,
    version    bigint      not null,
    primary key (project_id, user_id)
);
create index memberships_user on memberships (user_id, project_id);

create table users (
    id         uuid primary key,
    username   varchar(63)  not null,
    email      varchar(254),
    admin      boolean      not null,
    created_at timestamptz  not null
);
create unique index users_username on users (username);

create table api_tokens (
    id         uuid primary key,
    user_id    uuid        not null references users (id) on delete cascade,
    name       varchar(100) not null,
    prefix     varchar(16) not null,
    hash       varchar(64) not null,
    expires_at timestamptz,
    revoked_at timestamptz,
    created_at timestamptz not null
);
create unique index api_tokens_prefix on api_tokens (prefix);
