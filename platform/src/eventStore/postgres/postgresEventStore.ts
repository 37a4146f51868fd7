import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { migrate } from '../../postgres/migrate.js';
import { prepared } from '../../postgres/prepared.js';
import { ConcurrencyError, StreamDeletedError } from '../errors.js';
import type { AppendResult, EventStore, Position, ReadAllOptions, ReadStreamOptions, RecordedEvent } from '../types.js';
import {
  defaultLimits,
  validateAppend,
  validateExpectedRevision,
  validateMaxCount,
  validateStreamId,
  type EventStoreLimits,
} from '../validate.js';
import { readAllQuery } from './readAllQuery.js';
import { eventColumns, toRecordedEvents, type EventRow } from './rows.js';
import { GroupCommitter, type GroupCommitSettings } from './groupCommit.js';
import { eventStoreMigrations } from './schema.js';
import { ownWritesAttempts, subscribe, type SubscriptionSettings } from './subscription.js';
import { Wakeups } from './wakeups.js';

export interface PostgresEventStoreOptions {
  readonly connectionString: string;
  /** Pool size; each append holds a connection for one round trip. Default 20. */
  readonly maxConnections?: number;
  readonly limits?: EventStoreLimits;
  readonly subscription?: Partial<SubscriptionSettings>;
  readonly groupCommit?: Partial<GroupCommitSettings>;
}

const defaultGroupCommit: GroupCommitSettings = { maxInFlight: 1, maxEvents: 2_000 };

const maxCountCap = 1_000_000_000;

/** The PostgreSQL event store; runs its migrations before it returns. */
export async function createPostgresEventStore(options: PostgresEventStoreOptions): Promise<EventStore> {
  const pool = new pg.Pool({ connectionString: options.connectionString, max: options.maxConnections ?? 20 });
  // An idle client's error (server restart) must not crash the process; the next query reconnects.
  pool.on('error', () => undefined);
  try {
    await migrate(pool, 'eventstore', eventStoreMigrations);
  } catch (err) {
    await pool.end();
    throw err;
  }
  const wakeups = new Wakeups({ connectionString: options.connectionString });
  const limits = options.limits ?? defaultLimits;
  const settings: SubscriptionSettings = { batchSize: 1_000, pollIntervalMs: 500, maxRetries: 20, ...options.subscription };
  const groups = new GroupCommitter(pool, { ...defaultGroupCommit, ...options.groupCommit }, () => {
    wakeups.notify();
  });

  const store: EventStore = {
    async appendToStream(streamId, events, appendOptions): Promise<AppendResult> {
      const serialised = validateAppend(streamId, events, limits);
      const expected = validateExpectedRevision(appendOptions?.expectedRevision);
      return groups.append(streamId, expected, serialised);
    },

    async readStream(streamId, readOptions: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
      validateStreamId(streamId);
      const maxCount = validateMaxCount(readOptions.maxCount) ?? maxCountCap;
      const backwards = readOptions.direction === 'backwards';
      const from = readOptions.from ?? (backwards ? 'end' : 'start');
      if (typeof from === 'bigint') validateExpectedRevision(from, 'from');
      const bound = from === 'start' ? '0' : from === 'end' ? String(2n ** 62n) : from.toString();
      const { rows } = await pool.query<EventRow>({
        rowMode: 'array' as const,
        ...prepared(`select s.tombstoned, page.* from es.streams s left join lateral (
           select ${eventColumns} from es.events e
            where e.stream_id = s.stream_id and e.revision >= s.truncate_before
              and e.revision ${backwards ? '<=' : '>='} $2::bigint
            order by e.revision ${backwards ? 'desc' : 'asc'} limit $3
         ) page on true
         where s.stream_id = $1`),
        values: [streamId, bound, maxCount],
      });
      if (rows[0]?.[0] === true) throw new StreamDeletedError(streamId);
      return toRecordedEvents(rows);
    },

    async readAll(readOptions: ReadAllOptions = {}): Promise<RecordedEvent[]> {
      const maxCount = validateMaxCount(readOptions.maxCount) ?? maxCountCap;
      const direction = readOptions.direction ?? 'forwards';
      const from = readOptions.from ?? (direction === 'forwards' ? 'start' : 'end');
      if ((direction === 'forwards' && from === 'end') || (direction === 'backwards' && from === 'start') || maxCount === 0) return [];
      const query = readAllQuery(from, direction, maxCount, readOptions.filter);
      // Read-your-writes: a transaction of another session that began before this store's last append and is still
      // running holds the snapshot's xmin below it, and the append cannot be read yet. Such transactions are short,
      // so they are waited out, for a bounded time (then what is readable is returned, as always correct).
      const own = groups.lastTransaction;
      for (let attempt = 1; ; attempt += 1) {
        const { rows } = await pool.query<EventRow>({ rowMode: 'array' as const, ...query });
        const xmin = BigInt((rows[0]?.[0] as string | undefined) ?? '0');
        if (xmin > own || attempt >= ownWritesAttempts) return toRecordedEvents(rows);
        await sleep(Math.min(2 ** attempt, 50));
      }
    },

    subscribeToAll(subscribeOptions) {
      return subscribe(pool, wakeups, subscribeOptions, settings, groups.lastTransaction);
    },

    async deleteStream(streamId, deleteOptions = {}): Promise<void> {
      validateStreamId(streamId);
      const expected = validateExpectedRevision(deleteOptions.expectedRevision);
      const tombstone = deleteOptions.mode === 'tombstone';
      const client = await pool.connect();
      try {
        await client.query('begin');
        // The row first, then its lock: a delete racing another delete (or the first append) of a stream not written
        // yet must check against what the other left, not against "no row" (a soft delete used to undo a tombstone).
        await client.query('insert into es.streams (stream_id) values ($1) on conflict do nothing', [streamId]);
        const { rows } = await client.query<{ revision: string; truncate_before: string; tombstoned: boolean }>(
          'select revision::text, truncate_before::text, tombstoned from es.streams where stream_id = $1 for update',
          [streamId],
        );
        const stream = rows[0];
        if (stream?.tombstoned === true) throw new StreamDeletedError(streamId);
        const revision = BigInt(stream?.revision ?? '-1');
        const exists = stream !== undefined && revision >= BigInt(stream.truncate_before);
        const actual = exists ? revision : undefined;
        const ok =
          expected === 'any' ||
          (expected === 'no_stream' && !exists) ||
          (expected === 'stream_exists' && exists) ||
          (typeof expected === 'bigint' && actual === expected);
        if (!ok) throw new ConcurrencyError(streamId, expected, actual);
        await client.query('update es.streams set truncate_before = revision + 1, tombstoned = $2 where stream_id = $1', [
          streamId,
          tombstone,
        ]);
        await client.query('commit');
      } catch (err) {
        await client.query('rollback').catch(() => undefined);
        throw err;
      } finally {
        client.release();
      }
    },

    async headPosition(): Promise<Position | undefined> {
      const [last] = await store.readAll({ direction: 'backwards', maxCount: 1 });
      return last?.position;
    },

    async close(): Promise<void> {
      await groups.drain();
      await wakeups.close();
      await pool.end();
    },
  };
  return store;
}
