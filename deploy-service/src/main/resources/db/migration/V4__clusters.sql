-- Clusters services deploy to besides this machine (docs/clusters.md). Settings are what a user
-- may read back; credentials (kubeconfig, tokens) are AES-GCM sealed and never leave the service.
create table clusters (
    id          uuid primary key,
    name        varchar(63) not null unique,
    kind        varchar(16) not null,
    settings    text        not null default '{}',
    credentials bytea,
    created_by  text        not null,
    created_at  timestamptz not null,
    version     bigint      not null default 0
);

-- the cluster each project deploys to, from paas.project.* ('local': this machine)
alter table project_slugs add column cluster varchar(63) not null default 'local';
-- where each deployment runs, stamped when it is asked for
alter table deployments add column cluster varchar(63) not null default 'local';
