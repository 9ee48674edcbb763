-- What deploy-service watches once a rollout is under way (docs/deployments.md):
-- traffic_moved_at: the new replicas took the traffic; past this point a cancel is refused (roll back instead).
-- ready_replicas / failures: the replicas of a running deployment as last observed, so that a replica
-- that dies or restarts is reported once.
alter table deployments add column traffic_moved_at timestamptz;
alter table deployments add column ready_replicas integer;
alter table deployments add column failures integer not null default 0;
create index deployments_available on deployments (service_id) where state = 'AVAILABLE';
