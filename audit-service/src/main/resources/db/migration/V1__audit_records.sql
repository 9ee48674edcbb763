-- One row per event of paas.>, stored once (unique event id), newest-first reads by seq.
create table audit_records (
    seq            bigserial primary key,
    event_id       text        not null,
    type           text        not null,
    source         text        not null,
    resource       text,
    project_id     text,
    actor          text,
    correlation_id text,
    occurred_at    timestamptz not null,
    recorded_at    timestamptz not null default now(),
    data           text
);
create unique index audit_records_event_id on audit_records (event_id);
create index audit_records_project on audit_records (project_id, seq desc);
create index audit_records_actor on audit_records (actor, seq desc);
create index audit_records_resource on audit_records (resource, seq desc);
create index audit_records_type on audit_records (type text_pattern_ops, seq desc);
