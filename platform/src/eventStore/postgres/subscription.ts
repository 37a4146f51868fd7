import type pg from 'pg';
import { comparePositions, encodePosition, positionBefore } from '../position.js';
import type { EventFilter, Position, SubscribeToAllOptions, SubscriptionItem } from '../types.js';
import { readAllQuery } from './readAllQuery.js';
import { toRecordedEvents, type MaybeEventRow } from './rows.js';
import type { Wakeups } from './wakeups.js';

export interface SubscriptionSettings {
  /** Events per catch-up query. */
  readonly batchSize: number;
  /** Longest wait without a notification before polling (the fallback for writers that do not NOTIFY). */
  readonly pollIntervalMs: number;
}

type PageRow = MaybeEventRow & { snapshot_xmin: string };

/**
 * Catch-up then live over the global log. Every page is read below the snapshot's xmin; when a page comes back
 * short, everything below xmin has been scanned, which is reported as a checkpoint even if no event matched.
 */
export async function* subscribe(
  pool: pg.Pool,
  wakeups: Wakeups,
  options: SubscribeToAllOptions,
  settings: SubscriptionSettings,
): AsyncGenerator<SubscriptionItem> {
  const { signal, filter } = options;
  const aborted = () => signal?.aborted === true;
  let position: Position = options.from === 'end' ? await boundary(pool) : options.from === 'start' ? encodePosition(0n, 0n) : options.from;
  let checkpointed: Position | undefined;
  let idleWaits = 0;
  await wakeups.listen().catch(() => undefined);
  while (!aborted()) {
    const generation = wakeups.generation;
    const { events, xmin } = await page(pool, position, settings.batchSize, filter);
    for (const event of events) {
      if (aborted()) return;
      yield { kind: 'event', event };
      position = event.position;
    }
    if (events.length === settings.batchSize) continue;
    // Short page: everything below xmin is scanned; report it so sparse filters still record progress.
    const scanned = positionBefore(xmin);
    if (comparePositions(scanned, position) > 0) position = scanned;
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

async function page(pool: pg.Pool, from: Position, limit: number, filter?: EventFilter) {
  const query = readAllQuery(from, 'forwards', limit, filter);
  const { rows } = await pool.query<PageRow>(query.text, query.values);
  const xmin = BigInt(rows[0]?.snapshot_xmin ?? '1');
  return { events: toRecordedEvents(rows), xmin };
}

/** The position just below the current snapshot's xmin: subscribing from `end` misses nothing committed later. */
async function boundary(pool: pg.Pool): Promise<Position> {
  const { rows } = await pool.query<{ xmin: string }>('select pg_snapshot_xmin(pg_current_snapshot())::text as xmin');
  return positionBefore(BigInt(rows[0]?.xmin ?? '1'));
}
