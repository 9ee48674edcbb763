-- Shared plumbing tables, created in every service's own schema (see common/README in docs/architecture.md).

-- Transactional outbox: written in the same transaction as the change it describes.
create table outbox_events (
    seq        bigserial primary key,
    id         uuid        not null unique,
    subject    text        not null,
    payload    text        not null,
    created_at timestamptz not null default now(),
    sent_at    timestamptz
);
create index outbox_events_pending on outbox_events (seq) where sent_at is null;
create index outbox_events_sent_at on outbox_events (sent_at) where sent_at is not null;

-- Idempotent consumer: ids of the events a durable consumer has applied.
create table inbox_events (
    consumer    text        not null,
    event_id    text        not null,
    received_at timestamptz not null default now(),
    primary key (consumer, event_id)
);

-- Idempotency-Key of creating POSTs, with the answer to replay.
create table idempotency_keys (
    caller       text        not null,
    key          text        not null,
    request_hash text        not null,
    response     text        not null,
    created_at   timestamptz not null default now(),
    primary key (caller, key)
);
