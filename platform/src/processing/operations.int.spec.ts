import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { pino } from 'pino';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createEventStore } from '../eventStore/createEventStore.js';
import type { EventStore, Position, RecordedEvent } from '../eventStore/types.js';
import { describeWith } from '../testing/describeWith.js';
import {
  dropDeadLetters,
  LeaseHeldError,
  listDeadLetters,
  listProcessors,
  processorStatus,
  resetProcessor,
  retryDeadLetters,
} from './operations.js';
import { rebuildProcessor, type RebuildProgress } from './rebuildProcessor.js';
import { startProcessor } from './startProcessor.js';
import type { ProcessorDefinition, RunningProcessor } from './types.js';

const logger = pino({ level: 'silent' });
const tick = (n: number) => ({
  type: 'Tick',
  data: { n },
  metadata: { eventId: randomUUID(), schemaVersion: 1, occurredAt: new Date().toISOString() },
});
const wait = { timeoutMs: 45_000 };

describeWith('postgres', 'processor operations', (use) => {
  let store: EventStore;
  let pool: pg.Pool;
  const running: RunningProcessor[] = [];
  const start = (definition: ProcessorDefinition) => {
    const processor = startProcessor(definition, {
      store,
      pool,
      logger,
      options: { lagSampleMs: 0, retry: { attempts: 2, initialDelayMs: 5 } },
    });
    running.push(processor);
    return processor;
  };
  const append = async (stream: string, ns: number[]): Promise<Position> => (await store.appendToStream(stream, ns.map(tick))).position;

  beforeAll(async () => {
    store = await createEventStore({ databaseUrl: use().url });
    pool = new pg.Pool({ connectionString: use().url, max: 10 });
  });
  afterAll(async () => {
    await Promise.all(running.map((p) => p.stop()));
    await pool.end();
    await store.close();
  });

  it('reports status and lag, and resets only what nobody is running (unless forced)', async () => {
    const seen: number[] = [];
    const definition: ProcessorDefinition = {
      name: 'ops',
      transactional: false,
      filter: { streamPrefixes: ['ops-'] },
      handleBatch: (events) => Promise.resolve(void seen.push(...events.map((e) => e.data.n as number))),
    };
    const processor = start(definition);
    await processor.whenCaughtUp(await append('ops-1', [1, 2]), wait);
    const live = await processorStatus(pool, store, 'ops', definition.filter);
    expect(live).toMatchObject({ name: 'ops', eventsBehind: 0, secondsBehind: 0, deadLetters: 0 });
    expect(live.checkpoint).toBeDefined();
    expect(live.owner).toMatch(new RegExp(`:${process.pid}:`));
    await expect(resetProcessor(pool, 'ops')).rejects.toBeInstanceOf(LeaseHeldError);

    await processor.stop();
    await append('ops-1', [3, 4, 5]);
    await append('other-1', [6]);
    const behind = await processorStatus(pool, store, 'ops', definition.filter);
    expect(behind).toMatchObject({ eventsBehind: 3, owner: undefined });
    expect(behind.secondsBehind).toBeGreaterThanOrEqual(0);
    expect((await listProcessors(pool)).map((p) => p.name)).toContain('ops');

    await resetProcessor(pool, 'ops');
    expect((await processorStatus(pool, undefined, 'ops')).checkpoint).toBeUndefined();
    const again = start(definition);
    await again.whenCaughtUp(await append('ops-1', [7]), wait);
    expect(seen).toEqual([1, 2, 1, 2, 3, 4, 5, 7]);

    await resetProcessor(pool, 'ops', { force: true, logger });
    const last = await append('ops-1', [8]);
    await expect
      .poll(async () => (await processorStatus(pool, undefined, 'ops')).checkpoint ?? '', { timeout: 45_000 })
      .toSatisfy((c: string) => c >= last);
    expect(seen.slice(8)).toEqual([1, 2, 3, 4, 5, 7, 8]);
  });

  it('retries parked events into the model and drops the ones an operator gives up on', async () => {
    await pool.query('create table dl_model (n int primary key)');
    let broken = true;
    const definition: ProcessorDefinition = {
      name: 'dl',
      transactional: true,
      filter: { streamPrefixes: ['dl-'] },
      async handleBatch(events, ctx) {
        for (const e of events) {
          if (broken && (e.data.n as number) < 0) throw new Error(`negative ${e.data.n as number}`);
          await ctx.tx?.query('insert into dl_model values ($1)', [e.data.n]);
        }
      },
    };
    const processor = start(definition);
    await processor.whenCaughtUp(await append('dl-1', [1, -2, 3, -4, 5]), wait);
    const parked = await listDeadLetters(pool, 'dl');
    expect(parked.map((d) => [d.eventType, d.streamId, d.attempts])).toEqual([
      ['Tick', 'dl-1', 3],
      ['Tick', 'dl-1', 3],
    ]);
    expect(parked[0]?.error).toMatch(/negative -2/);
    expect((await processorStatus(pool, undefined, 'dl')).deadLetters).toBe(2);

    broken = false;
    const [first, second] = parked;
    const outcome = await retryDeadLetters(pool, definition, [String(first?.id)]);
    expect(outcome).toEqual({ retried: [first?.id], failed: [] });
    expect(await dropDeadLetters(pool, { ids: [String(second?.id)] })).toBe(1);
    expect(await listDeadLetters(pool, 'dl')).toEqual([]);
    expect((await pool.query<{ n: number }>('select n from dl_model order by n')).rows.map((r) => r.n)).toEqual([-2, 1, 3, 5]);
    await expect(dropDeadLetters(pool, { ids: ['1; drop table x'] })).rejects.toThrow(/not a dead-letter id/);
  });

  it('rebuilds blue-green while the live instance runs: progress reported, the swapped model equals the live-built one', async () => {
    await pool.query('create table totals (stream text primary key, sum bigint not null)');
    let target = 'totals';
    const definition: ProcessorDefinition = {
      name: 'totals',
      transactional: true,
      batchSize: 100,
      filter: { streamPrefixes: ['t-'] },
      async handleBatch(events: readonly RecordedEvent[], ctx) {
        const table = ctx.mode === 'rebuild' ? target : 'totals';
        await ctx.tx?.query(
          `insert into ${table} (stream, sum) select s, sum(n) from unnest($1::text[], $2::bigint[]) as x(s, n) group by s
           on conflict (stream) do update set sum = ${table}.sum + excluded.sum`,
          [events.map((e) => e.streamId), events.map((e) => e.data.n)],
        );
      },
      rebuild: {
        async prepare({ blueGreen }) {
          target = blueGreen ? 'totals_shadow' : 'totals';
          if (blueGreen) await pool.query('drop table if exists totals_shadow; create table totals_shadow (like totals including all)');
          else await pool.query('truncate totals');
        },
        async swap(ctx) {
          await ctx.tx?.query('drop table totals; alter table totals_shadow rename to totals');
          target = 'totals';
        },
      },
    };
    const live = start(definition);
    let head = '' as Position;
    for (let s = 0; s < 10; s += 1)
      head = await append(
        `t-${s}`,
        Array.from({ length: 300 }, (_, i) => i + s),
      );
    // An event the processor does not want moves its checkpoint past the last one it does: the rebuild keeps that.
    const unrelated = await append('u-0', [1]);
    await live.whenCaughtUp(unrelated, wait);
    const liveCheckpoint = live.checkpoint();
    if (liveCheckpoint === undefined) throw new Error('the live instance has no checkpoint');
    expect(liveCheckpoint >= unrelated && unrelated > head).toBe(true);
    const snapshot = async () =>
      (await pool.query<{ stream: string; sum: string }>('select stream, sum::text from totals order by stream')).rows;
    const liveBuilt = await snapshot();

    const progress: RebuildProgress[] = [];
    const result = await rebuildProcessor(definition, {
      store,
      pool,
      blueGreen: true,
      batchSize: 500,
      logger,
      onProgress: (p) => progress.push(p),
    });
    expect(result.processed).toBe(3000);
    expect(progress.at(-1)).toMatchObject({ processed: 3000, total: 3000, etaSeconds: 0 });
    expect(progress.length).toBeGreaterThanOrEqual(7);
    expect(await snapshot()).toEqual(liveBuilt);
    expect((await processorStatus(pool, undefined, 'totals')).checkpoint).toBe(result.checkpoint);
    // Not back at `head`, the last matching event: at least where the live instance was (it moves on while idle).
    expect(result.checkpoint !== undefined && result.checkpoint >= liveCheckpoint).toBe(true);

    // The live instance lost its lease to the rebuild, takes it back, and continues on the swapped-in model.
    const next = await append('t-0', [1000]);
    await live.whenCaughtUp(next, wait);
    const { rows } = await pool.query<{ sum: string }>("select sum::text from totals where stream = 't-0'");
    expect(rows[0]?.sum).toBe(String((299 * 300) / 2 + 1000));

    await live.stop();
    const plain = await rebuildProcessor(definition, { store, pool, logger });
    expect(plain.processed).toBe(3001);
    expect(await snapshot()).toEqual((await pool.query('select stream, sum::text from totals order by stream')).rows);
    expect(rows[0]?.sum).toBe((await pool.query<{ sum: string }>("select sum::text from totals where stream = 't-0'")).rows[0]?.sum);
  });
});
