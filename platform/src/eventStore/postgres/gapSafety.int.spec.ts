import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { expect, it } from 'vitest';
import { describeWith } from '../../testing/describeWith.js';
import { comparePositions } from '../position.js';
import type { EventStore, Position } from '../types.js';
import { createPostgresEventStore } from './postgresEventStore.js';

/** Small seeded PRNG (mulberry32) so that a failing run can be replayed with GAP_SEED. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const writers = 8;
const transactionsPerWriter = 25;

describeWith('postgres', 'PostgreSQL event store gap safety', (use) => {
  it('a restarting subscriber sees every committed event exactly once, in one order, while writers commit out of order', async () => {
    const seed = Number(process.env.GAP_SEED ?? Math.floor(Math.random() * 2 ** 31));
    process.stderr.write(`[gap test] GAP_SEED=${seed}\n`);
    const rand = random(seed);
    const prefix = `gap${seed}-`;
    const store = await createPostgresEventStore({ connectionString: use().url, subscription: { batchSize: 7, pollIntervalMs: 50 } });
    const committed: string[] = [];
    const hot = Array.from({ length: 3 }, (_, i) => `${prefix}hot-${i}`);

    // Each transaction appends 1–3 events, then holds its transaction open for a random time before it commits
    // (or, one time in ten, rolls back): later transaction ids routinely commit before earlier ones.
    const writer = async (w: number) => {
      const client = new pg.Client(use().url);
      await client.connect();
      try {
        for (let t = 0; t < transactionsPerWriter; t++) {
          const stream = rand() < 0.5 ? (hot[Math.floor(rand() * hot.length)] ?? `${prefix}x`) : `${prefix}w${w}-t${t}`;
          const ids = Array.from({ length: 1 + Math.floor(rand() * 3) }, () => randomUUID());
          const payload = JSON.stringify(ids.map((id) => ({ id, type: 'GapTested', data: { w, t }, metadata: { eventId: id } })));
          await client.query('begin');
          await client.query("select * from es.append_to_stream($1, 'any', $2::jsonb)", [stream, payload]);
          await client.query('select pg_sleep($1)', [rand() * 0.04]);
          if (rand() < 0.1) await client.query('rollback');
          else {
            await client.query('commit');
            committed.push(...ids);
            await client.query('notify orderflow_es_appended');
          }
          if (rand() < 0.3) await new Promise((r) => setTimeout(r, rand() * 10));
        }
      } finally {
        await client.end();
      }
    };

    const seen: { id: string; position: Position }[] = [];
    let resumeFrom: Position | 'start' = 'start';
    let restarts = 0;
    let writing = true;
    const subscriber = async (s: EventStore) => {
      while (writing || seen.length < committed.length) {
        const controller = new AbortController();
        const budget = 5 + Math.floor(rand() * 40);
        let taken = 0;
        const deadline = setTimeout(() => {
          controller.abort();
        }, 200);
        for await (const item of s.subscribeToAll({ from: resumeFrom, filter: { streamPrefixes: [prefix] }, signal: controller.signal })) {
          if (item.kind === 'event') seen.push({ id: item.event.metadata.eventId, position: item.event.position });
          resumeFrom = item.kind === 'event' ? item.event.position : item.position;
          if (++taken >= budget) break;
        }
        clearTimeout(deadline);
        restarts += 1;
      }
    };

    try {
      const subscribing = subscriber(store);
      await Promise.all(Array.from({ length: writers }, (_, w) => writer(w)));
      writing = false;
      await subscribing;

      const positions = seen.map((e) => e.position);
      for (let i = 1; i < positions.length; i++) expect(comparePositions(positions[i - 1] as Position, positions[i] as Position)).toBe(-1);
      expect(new Set(seen.map((e) => e.id)).size).toBe(seen.length);
      expect(new Set(seen.map((e) => e.id))).toEqual(new Set(committed));
      const log = await store.readAll({ filter: { streamPrefixes: [prefix] } });
      expect(seen.map((e) => e.id)).toEqual(log.map((e) => e.metadata.eventId));
      expect(restarts).toBeGreaterThan(5);
    } finally {
      await store.close();
    }
  }, 120_000);
});
