import pg from 'pg';
import { settleDatabase } from '../database.js';
import { orderPlacedBatch } from './events.js';
import { createPostgresEventStore, eventColumns, type NewEvent } from './platform.js';
import type { BenchSubject, SubjectSettings } from './subject.js';
import { forEachBatch } from './writers.js';

/**
 * The ceiling: node-postgres and PostgreSQL doing the least that any store keeping these rows must do, with none of a
 * store's code. Our very table (`es.events`, made by our migrations: the same columns and the same three unique
 * indexes, global order, stream and revision, event id), so the database does the same index work per event; the
 * expected revision is enforced by the (stream, revision) index alone. Appends made while one is on its way are
 * coalesced into one multi-row `INSERT`, as our group commit does, but with no function, no stream table and no
 * per-append checks. The log is read in keyset pages of the same size, the same columns as ours, with node-postgres'
 * own JSON parsing and nothing after it.
 *
 * Not a store (no retries detected, no gap safety, one failed append fails its whole group): it answers how fast
 * this driver and this server go at all on this machine, so that a target above it is known to be out of reach and
 * `ours/ceiling` says how much ours leaves on the table.
 */
export async function createCeilingSubject(url: string, settings: SubjectSettings): Promise<BenchSubject> {
  const pool = new pg.Pool({ connectionString: url, max: settings.maxConnections });
  pool.on('error', () => undefined);
  // Our migrations make the table; the ceiling then writes its rows straight into it.
  await (await createPostgresEventStore({ connectionString: url, maxConnections: 1 })).close();
  const coalescer = new Coalescer<PendingAppend>((appends) => insert(pool, appends));

  const readPages = async (signal: AbortSignal): Promise<number> => {
    const client = await pool.connect();
    try {
      let after: [string, string] = ['0', '0'];
      let count = 0;
      while (!signal.aborted) {
        const { rows } = await client.query<[string, string, ...unknown[]]>({
          name: 'ceiling_page',
          text: `select e.tx_id::text, e.seq::text, ${eventColumns} from es.events e
                  where (e.tx_id, e.seq) > ($1::xid8, $2::bigint) order by e.tx_id, e.seq limit $3`,
          values: [...after, settings.pageSize],
          rowMode: 'array',
        });
        count += rows.length;
        const last = rows.at(-1);
        if (last === undefined || rows.length < settings.pageSize) break;
        after = [last[0], last[1]];
      }
      return count;
    } finally {
      client.release();
    }
  };

  return {
    name: 'ceiling',

    append: (streamId, events, eventsBefore) => coalescer.add({ streamId, events, eventsBefore }),

    async seed(events, batchSize) {
      const writers = 4;
      await forEachBatch(Math.ceil(events / batchSize), writers, async (batch) => {
        await insert(pool, [{ streamId: `seed-${batch}`, events: orderPlacedBatch(batchSize, batch * batchSize), eventsBefore: 0 }]);
      });
      return { writers, via: 'multi-row INSERT' };
    },

    async streamLength(streamId) {
      const { rows } = await pool.query<{ n: number }>('select count(*)::int as n from es.events where stream_id = $1', [streamId]);
      return rows[0]?.n ?? 0;
    },

    readAll: readPages,
    // A subscription's catch-up can do no less than read the pages.
    catchUp: readPages,

    live() {
      return Promise.reject(new Error('the ceiling has no live delivery'));
    },

    settle: () => settleDatabase(url),

    close: () => pool.end(),
  };
}

export interface PendingAppend {
  readonly streamId: string;
  readonly events: readonly NewEvent[];
  readonly eventsBefore: number;
}

/** One group on its way at a time; items added meanwhile leave together as the next group (natural batching). */
export class Coalescer<T> {
  #queue: { item: T; resolve: () => void; reject: (err: unknown) => void }[] = [];
  #busy = false;

  constructor(private readonly write: (items: readonly T[]) => Promise<void>) {}

  add(item: T): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#queue.push({ item, resolve, reject });
      if (!this.#busy) {
        this.#busy = true;
        setImmediate(() => void this.#flush());
      }
    });
  }

  async #flush(): Promise<void> {
    while (this.#queue.length > 0) {
      const group = this.#queue;
      this.#queue = [];
      try {
        await this.write(group.map((g) => g.item));
        for (const g of group) g.resolve();
      } catch (err) {
        for (const g of group) g.reject(err);
      }
    }
    this.#busy = false;
  }
}

/** A group's events as the columns of one multi-row insert (data and metadata as one JSON array each). */
export function eventValues(appends: readonly PendingAppend[]): [string[], number[], string[], string[], string, string] {
  const streams: string[] = [];
  const revisions: number[] = [];
  const ids: string[] = [];
  const types: string[] = [];
  const data: string[] = [];
  const metadata: string[] = [];
  for (const { streamId, events, eventsBefore } of appends)
    events.forEach((event, i) => {
      streams.push(streamId);
      revisions.push(eventsBefore + i);
      ids.push(event.metadata.eventId);
      types.push(event.type);
      data.push(JSON.stringify(event.data));
      metadata.push(JSON.stringify(event.metadata));
    });
  return [streams, revisions, ids, types, `[${data.join(',')}]`, `[${metadata.join(',')}]`];
}

/** The insert itself, as a statement's text (`$1`–`$6`: `eventValues`), for callers that add to the statement. */
export const insertEvents = `insert into es.events (stream_id, revision, event_id, type, data, metadata)
  select * from rows from (unnest($1::text[]), unnest($2::bigint[]), unnest($3::uuid[]), unnest($4::text[]),
                           json_array_elements($5::json), json_array_elements($6::json))`;

async function insert(pool: pg.Pool, appends: readonly PendingAppend[]): Promise<void> {
  await pool.query({ name: 'ceiling_insert', text: insertEvents, values: eventValues(appends) });
}
