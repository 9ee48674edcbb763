-- How a service runs (env, command, args, resources, replicas, health check, auto-deploy), one
-- JSON document; rows from before read as all defaults.
alter table services add column runtime text not null default '{}';
