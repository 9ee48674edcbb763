-- The cluster a project's services deploy to, by its name in deploy-service's registry
-- (docs/clusters.md); 'local' is this machine.
alter table projects add column cluster varchar(63) not null default 'local';
