import type pg from 'pg';
import type { Logger } from 'pino';
import { parsePosition } from '../eventStore/position.js';
import type { EventStore, EventFilter } from '../eventStore/types.js';
import { createLogger } from '../logger.js';
import { describeError } from './errors.js';
import { sampleLag } from './lag.js';
import { terminateHolder } from './lease.js';
import { migrateProcessing } from './migrateProcessing.js';
import { fromStoredEvent, type StoredEvent } from './checkpointStore.js';
import { leaseKeySql } from './schema.js';
import type { DeadLetter, ProcessorDefinition, ProcessorStatus } from './types.js';

/** Cap of `eventsBehind` in a status (the count is exact below it). */
export const statusLagCap = 1_000_000;

interface ProcessorRow {
  name: string;
  checkpoint: string | null;
  owner: string | null;
  heartbeat_at: Date | null;
  dead_letters: string;
}

const processorRows = `select p.name, p.checkpoint, p.owner, p.heartbeat_at,
  (select count(*) from processing.dead_letters d where d.processor = p.name)::text as dead_letters
  from processing.processors p`;

/** Every processor that ever ran against this database, with its status (lag without a filter: see `processorStatus`). */
export async function listProcessors(
  pool: pg.Pool,
  store?: EventStore,
  filters: Readonly<Record<string, EventFilter>> = {},
): Promise<ProcessorStatus[]> {
  await migrateProcessing(pool);
  const { rows } = await pool.query<ProcessorRow>(`${processorRows} order by p.name`);
  return Promise.all(rows.map((row) => toStatus(row, pool, store, filters[row.name])));
}

/**
 * One processor's status: checkpoint, lease owner and heartbeat, dead letters, and — given the store — how far it is
 * behind: matching events after the checkpoint (`filter`, the definition's; capped at `statusLagCap`) and the age of
 * the first of them. Unknown processors report a null checkpoint and everything behind.
 */
export async function processorStatus(
  pool: pg.Pool,
  store: EventStore | undefined,
  name: string,
  filter?: EventFilter,
): Promise<ProcessorStatus> {
  await migrateProcessing(pool);
  const { rows } = await pool.query<ProcessorRow>(`${processorRows} where p.name = $1`, [name]);
  return toStatus(rows[0] ?? { name, checkpoint: null, owner: null, heartbeat_at: null, dead_letters: '0' }, pool, store, filter);
}

async function toStatus(
  row: ProcessorRow,
  pool: pg.Pool,
  store: EventStore | undefined,
  filter: EventFilter | undefined,
): Promise<ProcessorStatus> {
  const checkpoint = row.checkpoint === null ? undefined : parsePosition(row.checkpoint);
  const lag = store === undefined ? { eventsBehind: 0, secondsBehind: 0 } : await sampleLag(store, pool, filter, checkpoint, statusLagCap);
  return {
    name: row.name,
    checkpoint,
    owner: row.owner ?? undefined,
    heartbeatAt: row.heartbeat_at ?? undefined,
    eventsBehind: lag.eventsBehind,
    secondsBehind: lag.secondsBehind,
    deadLetters: Number(row.dead_letters),
  };
}

export class LeaseHeldError extends Error {
  constructor(name: string, owner: string | undefined) {
    super(`processor ${name} is running (lease held by ${owner ?? 'another instance'}); stop it first or force the reset`);
    this.name = 'LeaseHeldError';
  }
}

/**
 * Sets the checkpoint back to the start, so the processor replays the whole log (its effects must be idempotent,
 * or use `rebuildProcessor`). Refused while another instance holds the lease; `force` terminates that instance's
 * lease connection and bumps the epoch, so the running instance's next commit is refused and it starts over.
 */
export async function resetProcessor(
  pool: pg.Pool,
  name: string,
  options: { readonly force?: boolean; readonly logger?: Logger } = {},
): Promise<void> {
  await migrateProcessing(pool);
  const logger = options.logger ?? createLogger('processing');
  const client = await pool.connect();
  try {
    const { rows } = await client.query<{ ok: boolean }>(`select pg_try_advisory_lock(${leaseKeySql}) as ok`, [name]);
    const locked = rows[0]?.ok === true;
    if (!locked) {
      if (options.force !== true) {
        const { rows: owners } = await client.query<{ owner: string | null }>('select owner from processing.processors where name = $1', [
          name,
        ]);
        throw new LeaseHeldError(name, owners[0]?.owner ?? undefined);
      }
      await terminateHolder(client, name, logger);
    }
    try {
      await client.query(
        `insert into processing.processors (name, checkpoint, epoch) values ($1, null, 1)
         on conflict (name) do update set checkpoint = null, epoch = processing.processors.epoch + 1, updated_at = now()`,
        [name],
      );
    } finally {
      if (locked) await client.query(`select pg_advisory_unlock(${leaseKeySql})`, [name]);
    }
  } finally {
    client.release();
  }
}

interface DeadLetterRow {
  id: string;
  processor: string;
  position: string;
  stream_id: string;
  event_type: string;
  event_id: string;
  error: string;
  attempts: number;
  parked_at: Date;
  event: StoredEvent;
}

function toDeadLetter(row: DeadLetterRow): DeadLetter {
  return {
    id: row.id,
    processor: row.processor,
    position: parsePosition(row.position),
    streamId: row.stream_id,
    eventType: row.event_type,
    eventId: row.event_id,
    error: row.error,
    attempts: row.attempts,
    parkedAt: row.parked_at,
  };
}

const deadLetterColumns = 'id::text, processor, position, stream_id, event_type, event_id, error, attempts, parked_at';

/** Parked events, oldest position first; of one processor or of all. */
export async function listDeadLetters(pool: pg.Pool, name?: string, options: { readonly limit?: number } = {}): Promise<DeadLetter[]> {
  await migrateProcessing(pool);
  const { rows } = await pool.query<DeadLetterRow>(
    `select ${deadLetterColumns} from processing.dead_letters where $1::text is null or processor = $1 order by processor, position limit $2`,
    [name ?? null, options.limit ?? 1_000],
  );
  return rows.map(toDeadLetter);
}

export interface RetryOutcome {
  readonly retried: readonly string[];
  readonly failed: readonly { readonly id: string; readonly error: string }[];
}

/**
 * Hands parked events of `definition` (all, or `ids`) to its `handleBatch` again, one at a time in position order,
 * and deletes each one that succeeds (in the same transaction for transactional processors). A failure stays parked
 * with its new error and one more attempt. The live instance is not paused: the handler sees an old event after
 * newer ones, which position-guarded models skip and idempotent ones absorb.
 */
export async function retryDeadLetters(pool: pg.Pool, definition: ProcessorDefinition, ids?: readonly string[]): Promise<RetryOutcome> {
  await migrateProcessing(pool);
  const { rows } = await pool.query<DeadLetterRow>(
    `select ${deadLetterColumns}, event from processing.dead_letters
      where processor = $1 and ($2::bigint[] is null or id = any($2::bigint[])) order by position`,
    [definition.name, ids === undefined ? null : ids.map(validId)],
  );
  const retried: string[] = [];
  const failed: { id: string; error: string }[] = [];
  const signal = new AbortController().signal;
  for (const row of rows) {
    const event = fromStoredEvent(row.event);
    const client = await pool.connect();
    try {
      await client.query('begin');
      await definition.handleBatch([event], {
        processor: definition.name,
        tx: definition.transactional ? client : undefined,
        mode: 'catch-up',
        signal,
      });
      await client.query('delete from processing.dead_letters where id = $1', [row.id]);
      await client.query('commit');
      retried.push(row.id);
    } catch (err) {
      await client.query('rollback').catch(() => undefined);
      const error = describeError(err);
      await pool.query('update processing.dead_letters set error = $2, attempts = attempts + 1 where id = $1', [row.id, error]);
      failed.push({ id: row.id, error: err instanceof Error ? err.message : String(err) });
    } finally {
      client.release();
    }
  }
  return { retried, failed };
}

/** Deletes parked events for good: the given ids, or every one of a processor. Returns how many went. */
export async function dropDeadLetters(
  pool: pg.Pool,
  target: { readonly ids: readonly string[] } | { readonly processor: string },
): Promise<number> {
  await migrateProcessing(pool);
  const result =
    'ids' in target
      ? await pool.query('delete from processing.dead_letters where id = any($1::bigint[])', [target.ids.map(validId)])
      : await pool.query('delete from processing.dead_letters where processor = $1', [target.processor]);
  return result.rowCount ?? 0;
}

function validId(id: string): string {
  if (!/^[1-9][0-9]{0,18}$/.test(id)) throw new RangeError(`"${id}" is not a dead-letter id`);
  return id;
}
