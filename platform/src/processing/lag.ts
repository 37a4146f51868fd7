import type pg from 'pg';
import { readAllQuery } from '../eventStore/postgres/readAllQuery.js';
import { decodePosition } from '../eventStore/position.js';
import type { EventFilter, EventStore, Position, RecordedEvent } from '../eventStore/types.js';

export interface Lag {
  /** Matching events after the checkpoint, counted up to the cap. */
  readonly eventsBehind: number;
  /** Age of the first matching event after the checkpoint (0 when there is none). */
  readonly secondsBehind: number;
}

/**
 * How far a checkpoint is behind the head of the log for `filter`. The first unprocessed event comes from the store
 * port; the count is one SQL `count` when `pool` holds that same PostgreSQL event store (checked by the event's id),
 * otherwise the store's pages are counted.
 */
export async function sampleLag(
  store: EventStore,
  pool: pg.Pool,
  filter: EventFilter | undefined,
  checkpoint: Position | undefined,
  cap: number,
): Promise<Lag> {
  const from = checkpoint ?? 'start';
  const [first] = await store.readAll({ from, maxCount: 1, ...(filter && { filter }) });
  if (first === undefined) return { eventsBehind: 0, secondsBehind: 0 };
  const secondsBehind = Math.max(0, (Date.now() - first.recordedAt.getTime()) / 1000);
  const eventsBehind = (await countInSql(pool, first, filter, from, cap)) ?? (await countByPages(store, filter, from, cap));
  return { eventsBehind, secondsBehind };
}

async function countInSql(
  pool: pg.Pool,
  first: RecordedEvent,
  filter: EventFilter | undefined,
  from: Position | 'start',
  cap: number,
): Promise<number | undefined> {
  const { rows: same } = await pool
    .query<{ same: boolean }>(
      "select to_regclass('es.events') is not null and exists (select 1 from es.events where event_id = $1::uuid) as same",
      [first.metadata.eventId],
    )
    .catch(() => ({ rows: [{ same: false }] }));
  if (same[0]?.same !== true) return undefined;
  const query = readAllQuery(from, 'forwards', cap, filter);
  const { rows } = await pool.query<{ n: string }>(
    `select count(*)::text as n from (${query.text}) page where page.stream_id is not null`,
    query.values,
  );
  return Number(rows[0]?.n ?? 0);
}

async function countByPages(store: EventStore, filter: EventFilter | undefined, from: Position | 'start', cap: number): Promise<number> {
  let count = 0;
  let position: Position | 'start' = from;
  while (count < cap) {
    const page = await store.readAll({ from: position, maxCount: Math.min(10_000, cap - count), ...(filter && { filter }) });
    count += page.length;
    const last = page.at(-1);
    if (last === undefined || page.length < 10_000) break;
    position = last.position;
  }
  return count;
}

/**
 * How far `from` (a checkpoint; `undefined`: the start) is behind `to` in the global log of the PostgreSQL event store
 * that `pool` holds: the events after `from` up to and including `to`, of every type, counted up to `cap`, and the
 * age of the first of them. An upper bound on what a processor at `from` still has to read to pass `to`. `undefined`
 * when `pool` holds no event store (EventStoreDB topology).
 */
export async function logDistance(pool: pg.Pool, from: Position | undefined, to: Position, cap: number): Promise<Lag | undefined> {
  const start = from === undefined ? { major: 0n, minor: 0n } : decodePosition(from);
  const end = decodePosition(to);
  const { rows } = await pool
    .query<{ n: number; first_ms: number | null }>(
      `select (select count(*)::int from (select 1 from es.events e
                 where (e.tx_id, e.seq) > ($1::xid8, $2::bigint) and (e.tx_id, e.seq) <= ($3::xid8, $4::bigint) limit $5) page) as n,
              (select floor(extract(epoch from e.recorded_at) * 1000)::float8 from es.events e
                 where (e.tx_id, e.seq) > ($1::xid8, $2::bigint) and (e.tx_id, e.seq) <= ($3::xid8, $4::bigint)
                 order by e.tx_id, e.seq limit 1) as first_ms`,
      [start.major.toString(), start.minor.toString(), end.major.toString(), end.minor.toString(), cap],
    )
    .catch((err: unknown) => {
      // 42P01: no es.events in this database.
      if ((err as { code?: unknown }).code === '42P01') return { rows: [] };
      throw err;
    });
  const row = rows[0];
  if (row === undefined) return undefined;
  return { eventsBehind: row.n, secondsBehind: row.first_ms === null ? 0 : Math.max(0, (Date.now() - row.first_ms) / 1000) };
}
