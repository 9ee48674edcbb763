-- Local projection of project memberships (docs/architecture.md, "Roles"): each service enforces roles on its own
-- resources from these rows, kept up to date from paas.member.* events. A removed membership
-- stays as a row without a role, so an older event delivered late cannot bring it back.
create table member_projection (
    project_id uuid        not null,
    user_id    text        not null,
    role       varchar(20),
    changed_at timestamptz not null,
    primary key (project_id, user_id)
);
create index member_projection_user on member_projection (user_id, project_id) where role is not null;

-- Users that were deleted: their still-unexpired access tokens are refused.
create table deleted_users (
    user_id    text primary key,
    deleted_at timestamptz not null
);
