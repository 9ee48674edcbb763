-- Retention: old records are archived to a file and removed, leaving a checkpoint from which the
-- chain stays verifiable. Checkpoints are chained to each other the same way.
create table audit_checkpoints (
    id              bigserial primary key,
    seq             bigint      not null,
    hash            char(64)    not null,
    records         bigint      not null,
    archive         text        not null,
    archive_sha256  char(64)    not null,
    previous        char(64)    not null,
    checkpoint_hash char(64)    not null,
    created_at      timestamptz not null
);
create unique index audit_checkpoints_seq on audit_checkpoints (seq);

create trigger audit_checkpoints_append_only before update or delete on audit_checkpoints
    for each row execute function audit_refuse_change();
create trigger audit_checkpoints_no_truncate before truncate on audit_checkpoints
    for each statement execute function audit_refuse_change();
revoke update, delete, truncate on audit_checkpoints from current_user;

-- Records may leave only through audit_admin.archive_through (deploy/postgres/init-db.sh), which marks
-- the transaction; everything else still meets the refusal.
create or replace function audit_refuse_change() returns trigger language plpgsql as $$
begin
    if tg_op = 'DELETE' and tg_table_name = 'audit_records' and current_setting('openpaas.audit.archiving', true) = 'on' then
        return old;
    end if;
    raise exception 'audit records are append-only: % refused', tg_op using errcode = 'insufficient_privilege';
end
$$;
