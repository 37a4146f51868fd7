import type pg from 'pg';
import { comparePositions, encodePosition, positionBefore } from '../position.js';
import { isStalePreparedStatement } from '../../postgres/prepared.js';
import type { EventFilter, Position, RecordedEvent, SubscribeToAllOptions, SubscriptionItem } from '../types.js';
import { readAllQuery } from './readAllQuery.js';
import { toRecordedEvents, type EventRow } from './rows.js';
import type { Wakeups } from './wakeups.js';

export interface SubscriptionSettings {
  /** Events per catch-up query. */
  readonly batchSize: number;
  /** Longest wait without a notification before polling (the fallback for writers that do not NOTIFY). */
  readonly pollIntervalMs: number;
  /** Consecutive failed reads (server down) waited out before the subscription fails. */
  readonly maxRetries: number;
}

/** Reads retried while the store's own last append is not yet readable (server-wide xmin): about 2 s in all. */
export const ownWritesAttempts = 45;

/**
 * Catch-up then live over the global log. Every page is read below the snapshot's xmin; when a page comes back
 * short, everything below xmin has been scanned, which is reported as a checkpoint even if no event matched.
 */
export async function* subscribe(
  pool: pg.Pool,
  wakeups: Wakeups,
  options: SubscribeToAllOptions,
  settings: SubscriptionSettings,
  /** The store's last answered append when the subscription starts: the first checkpoint comes after it. */
  ownWrites = 0n,
): AsyncGenerator<SubscriptionItem> {
  const { signal, filter } = options;
  const aborted = () => signal?.aborted === true;
  let position: Position = options.from === 'end' ? await boundary(pool) : options.from === 'start' ? encodePosition(0n, 0n) : options.from;
  let checkpointed: Position | undefined;
  let idleWaits = 0;
  let ownWaits = 0;
  await wakeups.listen().catch(() => undefined);
  let failures = 0;
  let ahead: { generation: number; result: Promise<PageResult> } | undefined;
  while (!aborted()) {
    const { generation, result: reading } = ahead ?? {
      generation: wakeups.generation,
      result: page(pool, position, settings.batchSize, filter),
    };
    ahead = undefined;
    let result: PageResult;
    try {
      result = await reading;
      failures = 0;
    } catch (err) {
      // A restarting or unreachable server is waited out from the same position; anything else is a bug to surface.
      if (!isTransient(err) || failures >= settings.maxRetries) throw err;
      failures += 1;
      await wakeups.wait(Math.min(5_000, 100 * 2 ** failures) * (0.5 + Math.random() / 2), signal);
      continue;
    }
    const { events, xmin } = result;
    const last = events.at(-1);
    if (events.length === settings.batchSize && last !== undefined) {
      // Catching up: the server reads the next page while this one is delivered. Its failure is handled when awaited.
      ahead = { generation: wakeups.generation, result: page(pool, last.position, settings.batchSize, filter) };
      ahead.result.catch(() => undefined);
    }
    for (const event of events) {
      if (aborted()) return;
      yield { kind: 'event', event };
      position = event.position;
    }
    if (events.length === settings.batchSize) continue;
    // Short page: everything below xmin is scanned; report it so sparse filters still record progress.
    const scanned = positionBefore(xmin);
    if (comparePositions(scanned, position) > 0) position = scanned;
    // "Caught up" also covers the appends this store had answered when the subscription started; while a
    // transaction of another session older than them still runs, they are not readable yet: wait it out (bounded).
    if (checkpointed === undefined && xmin <= ownWrites && ownWaits < ownWritesAttempts) {
      ownWaits += 1;
      await wakeups.wait(Math.min(2 ** ownWaits, 50), signal);
      continue;
    }
    // The first checkpoint also says "caught up": a subscriber from `end` knows from then on it misses nothing.
    if (checkpointed === undefined || comparePositions(position, checkpointed) > 0) {
      checkpointed = position;
      yield { kind: 'checkpoint', position };
    }
    if (events.length > 0) {
      idleWaits = 0;
      continue;
    }
    if (wakeups.generation !== generation) continue;
    // Woken but nothing visible yet (an older transaction holds xmin back): retry soon, then back off to the poll.
    const timeout = Math.min(settings.pollIntervalMs, 2 ** Math.min(idleWaits, 10) * 5);
    idleWaits += 1;
    await wakeups.listen().catch(() => undefined);
    await wakeups.wait(timeout, signal);
    if (wakeups.generation !== generation) idleWaits = 0;
  }
}

interface PageResult {
  readonly events: RecordedEvent[];
  readonly xmin: bigint;
}

async function page(pool: pg.Pool, from: Position, limit: number, filter?: EventFilter): Promise<PageResult> {
  const query = readAllQuery(from, 'forwards', limit, filter);
  const { rows } = await pool.query<EventRow>({ rowMode: 'array' as const, ...query });
  // The first column of every row is the snapshot's xmin (see readAllQuery).
  const xmin = BigInt((rows[0]?.[0] as string | undefined) ?? '1');
  return { events: toRecordedEvents(rows), xmin };
}

/** The position just below the current snapshot's xmin: subscribing from `end` misses nothing committed later. */
async function boundary(pool: pg.Pool): Promise<Position> {
  const { rows } = await pool.query<{ xmin: string }>('select pg_snapshot_xmin(pg_current_snapshot())::text as xmin');
  return positionBefore(BigInt(rows[0]?.xmin ?? '1'));
}

const transientCodes = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', '57P01', '57P02', '57P03', '53300']);

function isTransient(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string' && (transientCodes.has(code) || code.startsWith('08'))) return true;
  if (isStalePreparedStatement(err)) return true;
  return /Connection terminated|connection timeout|Client has encountered a connection error/i.test(err.message);
}
