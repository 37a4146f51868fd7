import type { Migration } from '../postgres/migrate.js';

/** NOTIFY channel of checkpoint writes; the payload is `<processor name> <position>`. */
export const checkpointChannel = 'orderflow_processing';

/** The advisory-lock key of a processor's lease, computed by PostgreSQL from its name. */
export const leaseKeySql = "hashtextextended('orderflow.processor:' || $1::text, 0)";

/**
 * Processor state (component `processing`). `epoch` is the lease's fencing token: each new holder increments it,
 * and every checkpoint write is conditional on it, so a holder that lost its lease cannot write any more.
 */
const version1 = `
create schema if not exists processing;

create table processing.processors (
  name text primary key,
  checkpoint text,
  owner text,
  owner_pid int,
  epoch bigint not null default 0,
  heartbeat_at timestamptz,
  updated_at timestamptz not null default now()
);

create table processing.dead_letters (
  id bigint generated always as identity primary key,
  processor text not null,
  position text not null,
  stream_id text not null,
  event_type text not null,
  event_id text not null,
  event jsonb not null,
  error text not null,
  attempts int not null,
  parked_at timestamptz not null default now(),
  unique (processor, event_id)
);
create index dead_letters_processor on processing.dead_letters (processor, position);
`;

export const processingMigrations: readonly Migration[] = [{ version: 1, name: 'processors and dead letters', sql: version1 }];
