import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { pino } from 'pino';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createEventStore } from '../eventStore/createEventStore.js';
import type { EventStore, Position, RecordedEvent } from '../eventStore/types.js';
import { describeWith } from '../testing/describeWith.js';
import { startProcessor } from './startProcessor.js';
import type { ProcessorDefinition } from './types.js';

const logger = pino({ level: 'silent' });

/** A gate a handler waits on until the test opens it. */
function gate() {
  let open: () => void = () => undefined;
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return {
    opened,
    open: () => {
      open();
    },
  };
}

describeWith('postgres', 'processor read-ahead', (use) => {
  let store: EventStore;
  let pool: pg.Pool;
  /** Events the subscription has handed to the runtime so far (the store itself, counted as it yields). */
  let pulled = 0;
  let counted: EventStore;
  let head: Position;

  beforeAll(async () => {
    store = await createEventStore({ databaseUrl: use().url });
    pool = new pg.Pool({ connectionString: use().url, max: 10 });
    counted = {
      ...store,
      async *subscribeToAll(options) {
        for await (const item of store.subscribeToAll(options)) {
          if (item.kind === 'event') pulled += 1;
          yield item;
        }
      },
    };
    for (let s = 0; s < 3; s += 1) {
      const events = Array.from({ length: 100 }, (_, i) => ({
        type: 'Tick',
        data: { n: s * 100 + i },
        metadata: { eventId: randomUUID(), schemaVersion: 1, occurredAt: new Date().toISOString() },
      }));
      head = (await store.appendToStream(`r-${s}`, events)).position;
    }
  });
  afterAll(async () => {
    await pool.end();
    await store.close();
  });

  const definition = (name: string, handle: (events: readonly RecordedEvent[], tx: pg.ClientBase | undefined) => Promise<unknown>) =>
    ({
      name,
      filter: { streamPrefixes: ['r-'] },
      batchSize: 20,
      transactional: true,
      async handleBatch(events, ctx) {
        await handle(events, ctx.tx);
      },
    }) satisfies ProcessorDefinition;
  const start = (d: ProcessorDefinition) => startProcessor(d, { store: counted, pool, logger, options: { lagSampleMs: 0 } });
  const numbers = (events: readonly RecordedEvent[]) => events.map((e) => e.data.n as number);

  it('reads the next batches while one is applied, no further than its bound, and applies them once, in log order', async () => {
    const applied: number[] = [];
    const first = gate();
    pulled = 0;
    const processor = start(
      definition('ahead', async (events) => {
        if (applied.length === 0) await first.opened;
        applied.push(...numbers(events));
      }),
    );
    try {
      for (let waited = 0; pulled < 60 && waited < 10_000; waited += 20) await sleep(20);
      await sleep(200);
      // The first batch (20) is held; two more wait in the queue and a fourth is cut: 80 read, not the 300 stored.
      expect(pulled).toBeGreaterThanOrEqual(60);
      expect(pulled).toBeLessThanOrEqual(80);
      expect(applied).toEqual([]);
      first.open();
      await processor.whenCaughtUp(head, { timeoutMs: 30_000 });
      expect(applied).toEqual(Array.from({ length: 300 }, (_, i) => i));
    } finally {
      first.open();
      await processor.stop();
    }
  });

  it('on stop, applies what it had read (bounded) and stops at that checkpoint; a restart applies the rest once', async () => {
    await pool.query('create table applied_stop (n int not null)');
    const write = (events: readonly RecordedEvent[], tx: pg.ClientBase | undefined) =>
      (tx ?? pool).query('insert into applied_stop (n) select * from unnest($1::int[])', [numbers(events)]);
    const second = gate();
    let batches = 0;
    pulled = 0;
    const processor = start(
      definition('stopping', async (events, tx) => {
        batches += 1;
        if (batches === 2) await second.opened;
        await write(events, tx);
      }),
    );
    for (let waited = 0; (batches < 2 || pulled < 100) && waited < 10_000; waited += 20) await sleep(20);
    const stopped = processor.stop();
    second.open();
    await stopped;
    const { rows } = await pool.query<{ n: number }>('select n from applied_stop order by n');
    const applied = rows.length;
    // Batch 1 applied, batch 2 held, two more queued and a fifth cut: those five, nothing read after the stop.
    expect(applied).toBe(100);
    expect(rows.map((r) => r.n)).toEqual(Array.from({ length: applied }, (_, i) => i));
    const read = await store.readAll({ from: 'start', filter: { streamPrefixes: ['r-'] }, maxCount: applied });
    expect(processor.checkpoint()).toBe(read.at(-1)?.position);

    const again = start(definition('stopping', write));
    try {
      await again.whenCaughtUp(head, { timeoutMs: 30_000 });
    } finally {
      await again.stop();
    }
    const after = await pool.query<{ n: number; copies: string }>('select n, count(*) as copies from applied_stop group by n order by n');
    expect(after.rows.map((r) => r.n)).toEqual(Array.from({ length: 300 }, (_, i) => i));
    expect(after.rows.every((r) => r.copies === '1')).toBe(true);
  });
});
