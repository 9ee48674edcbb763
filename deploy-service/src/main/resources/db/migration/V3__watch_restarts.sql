-- Replicas of a serving deployment that deploy-service started again after they exited
-- (docs/deployments.md): capped, so a replica that keeps crashing is left down and reported.
alter table deployments add column watch_restarts integer not null default 0;
