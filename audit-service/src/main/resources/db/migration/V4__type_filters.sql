-- Type filters stay O(page) however the types mix: a domain prefix (paas.build.) and an exact
-- type each have an index in sequence order; only other prefixes fall back to LIKE.
alter table audit_records add column domain text generated always as (split_part(type, '.', 2)) stored;
create index audit_records_domain on audit_records (domain, seq desc);
create index audit_records_type_exact on audit_records (type, seq desc);
create index audit_records_project_domain on audit_records (project_id, domain, seq desc);
drop index audit_records_type;
