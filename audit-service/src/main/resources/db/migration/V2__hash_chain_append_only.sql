-- Tamper evidence: each record carries the SHA-256 of its canonical form and of the previous
-- record's hash, so changing or removing one breaks the chain at that place.
alter table audit_records add column prev_hash char(64);
alter table audit_records add column hash char(64);

-- The canonical form (AuditChain in Java computes the same): each field as
-- <UTF-8 byte length>:<value>, or ~ for null, in a fixed order; times as epoch microseconds.
create function audit_field(v text) returns text language sql immutable as $$
    select case when v is null then '~' else octet_length(convert_to(v, 'UTF8'))::text || ':' || v end
$$;

create function audit_record_hash(r audit_records, prev text) returns char(64) language sql stable as $$
    select encode(sha256(convert_to(
        audit_field(r.seq::text) || audit_field(r.event_id) || audit_field(r.type) || audit_field(r.source)
        || audit_field(r.resource) || audit_field(r.project_id) || audit_field(r.actor) || audit_field(r.correlation_id)
        || audit_field(((extract(epoch from r.occurred_at) * 1000000)::bigint)::text)
        || audit_field(((extract(epoch from r.recorded_at) * 1000000)::bigint)::text)
        || audit_field(r.data) || audit_field(prev), 'UTF8')), 'hex')
$$;

-- The newest link, locked by each append so that records are chained one after the other.
create table audit_chain_head (
    id   smallint primary key check (id = 1),
    seq  bigint   not null,
    hash char(64) not null
);

-- Chain the records stored before the chain existed, oldest first.
do $$
declare
    r    audit_records;
    prev char(64) := repeat('0', 64);
    last bigint := 0;
begin
    for r in select * from audit_records order by seq loop
        update audit_records set prev_hash = prev, hash = audit_record_hash(r, prev) where seq = r.seq;
        prev := audit_record_hash(r, prev);
        last := r.seq;
    end loop;
    insert into audit_chain_head (id, seq, hash) values (1, last, prev);
end
$$;

alter table audit_records alter column prev_hash set not null, alter column hash set not null;

-- Append-only: this service's role may insert and read records, never change or remove them.
create function audit_refuse_change() returns trigger language plpgsql as $$
begin
    raise exception 'audit records are append-only: % refused', tg_op using errcode = 'insufficient_privilege';
end
$$;
create trigger audit_records_append_only before update or delete on audit_records
    for each row execute function audit_refuse_change();
create trigger audit_records_no_truncate before truncate on audit_records
    for each statement execute function audit_refuse_change();
revoke update, delete, truncate on audit_records from current_user;
