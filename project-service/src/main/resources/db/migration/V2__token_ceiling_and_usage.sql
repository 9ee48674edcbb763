-- An API token may cap the project role its access tokens act with (viewer, developer, owner).
alter table api_tokens add column role_ceiling varchar(20);
create index api_tokens_user on api_tokens (user_id, id);
create index memberships_owner on memberships (project_id) where role = 'owner';
