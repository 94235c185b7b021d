/**
 * The initial schema: the mirror (bases, records, view orders), sync state, the change feed, and
 * the tables of the write path (outbox, idempotency, audit log, conflicts) used by later issues.
 *
 * Decisions:
 * - Records are rows of jsonb keyed by field ID (stable across renames); a deleted record is
 *   removed — its last fields live on in the change feed's `before` and in the audit log.
 * - The change feed's `seq` comes from the one-row `feed_head` counter, not a sequence: the row
 *   lock orders writers so seqs become visible in commit order, and a rollback returns its numbers.
 *   Readers resuming "after seq N" therefore never skip a change that commits late.
 * - `audit_log` is append-only: UPDATE is refused by a trigger; retention may DELETE old rows.
 */
import type { Migration } from './migration.ts'

const sql = /* sql */ `
create table bases (
  id text primary key,
  schema jsonb not null,
  schema_updated_at timestamptz not null default now(),
  created_at timestamptz not null default now()
);

create table records (
  base_id text not null,
  table_id text not null,
  id text not null,
  created_time timestamptz not null,
  fields jsonb not null default '{}'::jsonb,
  last_seq bigint not null,
  updated_at timestamptz not null default now(),
  primary key (base_id, table_id, id)
);
-- Airtable's default order (creation) and keyset paging.
create index records_created_time_idx on records (base_id, table_id, created_time, id);
-- Containment filters over fields compiled from formulas.
create index records_fields_idx on records using gin (fields jsonb_path_ops);

create table view_records (
  base_id text not null,
  table_id text not null,
  view_id text not null,
  record_ids text[] not null,
  refreshed_at timestamptz not null default now(),
  primary key (base_id, table_id, view_id)
);

create table sync_state (
  base_id text not null,
  table_id text not null,
  status text not null default 'pending'
    check (status in ('pending', 'syncing', 'ready', 'error')),
  last_full_sync_started_at timestamptz,
  last_full_sync_at timestamptz,
  last_change_at timestamptz,
  record_count integer,
  error text,
  extra jsonb not null default '{}'::jsonb,
  updated_at timestamptz not null default now(),
  primary key (base_id, table_id)
);

create table base_sync_state (
  base_id text primary key,
  webhook_id text,
  webhook_secret text,
  webhook_expires_at timestamptz,
  webhook_cursor bigint,
  last_payload_at timestamptz,
  last_full_sync_at timestamptz,
  last_reconcile_at timestamptz,
  needs_resync boolean not null default false,
  resync_reason text,
  extra jsonb not null default '{}'::jsonb,
  updated_at timestamptz not null default now()
);

create table feed_head (
  id boolean primary key default true check (id),
  last_seq bigint not null default 0,
  pruned_through bigint not null default 0
);
insert into feed_head (id) values (true);

create table change_feed (
  seq bigint primary key,
  base_id text not null,
  table_id text not null,
  record_id text,
  kind text not null check (kind in ('created', 'updated', 'deleted', 'mutation')),
  source text not null,
  before jsonb,
  after jsonb,
  changed_field_ids text[],
  mutation_id text,
  data jsonb,
  actor text,
  at timestamptz not null default now()
);
create index change_feed_at_idx on change_feed (at);
create index change_feed_table_idx on change_feed (base_id, table_id, seq);

create table outbox (
  mutation_id text primary key,
  position bigserial not null unique,
  base_id text not null,
  table_id text not null,
  record_id text,
  temp_record_id text,
  op text not null check (op in ('create', 'update', 'replace', 'delete', 'upsert')),
  fields jsonb,
  base_fields jsonb,
  merge_field_ids text[],
  typecast boolean not null default false,
  state text not null default 'queued'
    check (state in ('queued', 'sending', 'committed', 'failed', 'conflict')),
  attempts integer not null default 0,
  next_attempt_at timestamptz,
  first_sent_at timestamptz,
  last_error jsonb,
  result jsonb,
  request_id text,
  idempotency_key text,
  actor text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  committed_at timestamptz
);
create index outbox_pending_idx on outbox (base_id, position) where state in ('queued', 'sending');
create index outbox_record_idx on outbox (base_id, table_id, record_id, position);
create index outbox_request_idx on outbox (request_id);

create table idempotency (
  base_id text not null,
  scope text not null default '',
  key text not null,
  request_hash text not null,
  status integer,
  response jsonb,
  mutation_ids text[] not null default '{}',
  created_at timestamptz not null default now(),
  primary key (base_id, scope, key)
);
create index idempotency_created_idx on idempotency (created_at);

create table audit_log (
  id bigserial primary key,
  at timestamptz not null default now(),
  actor text,
  actor_role text,
  source text not null,
  action text not null,
  base_id text not null,
  table_id text,
  record_id text,
  mutation_id text,
  before jsonb,
  after jsonb,
  outcome text not null,
  attempts integer,
  latency_ms integer,
  detail jsonb
);
create index audit_log_at_idx on audit_log (at);
create index audit_log_record_idx on audit_log (base_id, table_id, record_id, at);
create index audit_log_actor_idx on audit_log (actor, at);
create index audit_log_mutation_idx on audit_log (mutation_id);

create function audit_log_append_only() returns trigger language plpgsql as $$
begin
  raise exception 'audit_log is append-only';
end
$$;
create trigger audit_log_no_update before update on audit_log
  for each row execute function audit_log_append_only();

create table conflicts (
  id text primary key,
  base_id text not null,
  table_id text not null,
  record_id text not null,
  mutation_id text,
  field_ids text[] not null,
  base_values jsonb not null,
  local_values jsonb not null,
  remote_values jsonb not null,
  policy text not null,
  status text not null default 'open' check (status in ('open', 'resolved')),
  resolution text,
  resolved_values jsonb,
  resolved_by text,
  created_at timestamptz not null default now(),
  resolved_at timestamptz
);
create index conflicts_status_idx on conflicts (base_id, status, created_at);
create index conflicts_record_idx on conflicts (base_id, table_id, record_id);
`

/** Version 1: every table of the store. */
export const migration: Migration = { version: 1, name: 'initial', sql }
