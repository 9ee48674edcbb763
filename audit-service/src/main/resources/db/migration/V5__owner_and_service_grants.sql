-- From here on the audit schema belongs to openpaas_audit_owner, which runs these migrations, and
-- not to the service's role (${service_role}): a role that owned the records, the checkpoints or the
-- trigger functions could re-grant itself DELETE, disable or replace the triggers, and rewrite the
-- trail. The service gets exactly what appending and reading need.
grant usage on schema ${flyway:defaultSchema} to ${service_role};

grant select, insert on audit_records to ${service_role};
grant select, update on audit_chain_head to ${service_role};
-- checkpoints are appended by the archiver; verify checks each against its archive file
grant select, insert on audit_checkpoints to ${service_role};
grant usage, select on all sequences in schema ${flyway:defaultSchema} to ${service_role};

-- the shared plumbing of every service (outbox, inbox, idempotency keys, membership projection)
grant select, insert, update, delete on outbox_events, inbox_events, idempotency_keys, member_projection, deleted_users
    to ${service_role};

-- Two archivers (replicas) can never fork the checkpoint chain: each checkpoint follows exactly one.
create unique index audit_checkpoints_previous on audit_checkpoints (previous);

-- audit_admin.archive_through runs as this owner and is the one path by which records leave (its
-- trigger still refuses any other delete): the owner needs back the DELETE that V2 revoked from the
-- role that ran it.
grant delete on audit_records to ${flyway:user};
