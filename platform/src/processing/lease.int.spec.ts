import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { pino } from 'pino';
import { afterAll, beforeAll, expect, it, onTestFinished } from 'vitest';
import { createEventStore } from '../eventStore/createEventStore.js';
import type { EventStore, RecordedEvent } from '../eventStore/types.js';
import { describeWith } from '../testing/describeWith.js';
import { processorMetrics } from './metrics.js';
import { migrateProcessing } from './migrateProcessing.js';
import { leaseKeySql } from './schema.js';
import { startProcessor } from './startProcessor.js';
import type { ProcessorDefinition, RunningProcessor } from './types.js';

const logger = pino({ level: process.env.DEBUG_PROCESSING ?? 'silent' }, pino.destination(2));

function deferred() {
  let resolve = () => undefined as unknown;
  const promise = new Promise<undefined>((done) => {
    resolve = () => {
      done(undefined);
    };
  });
  return { promise, resolve };
}
const tick = (n: number) => ({
  type: 'Tick',
  data: { n },
  metadata: { eventId: randomUUID(), schemaVersion: 1, occurredAt: new Date().toISOString() },
});

describeWith('postgres', 'processor lease', (use) => {
  let store: EventStore;
  let pool: pg.Pool;
  const running: RunningProcessor[] = [];
  const start = (definition: ProcessorDefinition, heartbeatMs = 500) => {
    const processor = startProcessor(definition, {
      store,
      pool,
      logger,
      options: { heartbeatMs, lagSampleMs: 0, retry: { initialDelayMs: 5 } },
    });
    running.push(processor);
    return processor;
  };
  const count = async (sql: string) => Number((await pool.query<{ n: string }>(sql)).rows[0]?.n);

  beforeAll(async () => {
    store = await createEventStore({ databaseUrl: use().url });
    pool = new pg.Pool({ connectionString: use().url, max: 10 });
    await migrateProcessing(pool);
  });
  afterAll(async () => {
    await Promise.all(running.map((p) => p.stop()));
    await pool.end();
    await store.close();
  });

  it("never lets two instances both write: A's lease connection dies mid-batch, B takes over within 10 s, A's commit is refused", async () => {
    await pool.query('create table applied_fence (instance text not null, n int not null)');
    const writer = (instance: string, gate?: Promise<undefined>, entered?: () => void) => ({
      name: 'fenced',
      transactional: true,
      filter: { streamPrefixes: ['fence-'] },
      async handleBatch(events: readonly RecordedEvent[], ctx: { tx: pg.ClientBase | undefined }) {
        entered?.();
        // Held at the gate before writing: a transaction that has written holds a transaction id open, which holds back
        // what every event store on the server (other test files' too) may read as committed, for the whole takeover.
        // A still writes inside its batch's transaction once released, after B has taken over: that write is refused.
        await gate;
        await ctx.tx?.query('insert into applied_fence select $1, unnest($2::int[])', [instance, events.map((e) => e.data.n)]);
      },
    });
    const gate = deferred();
    const inBatch = deferred();
    const a = start(writer('A', gate.promise, () => inBatch.resolve()));
    await expect.poll(() => a.isActive(), { timeout: 5_000 }).toBe(true);
    const b = start(writer('B'));
    onTestFinished(() => {
      gate.resolve();
    });
    const head = (await store.appendToStream('fence-1', [tick(1), tick(2), tick(3)])).position;
    await inBatch.promise;
    expect(b.isActive()).toBe(false);

    const { rows } = await pool.query<{ owner_pid: number; epoch: string }>(
      "select owner_pid, epoch::text from processing.processors where name = 'fenced'",
    );
    const began = performance.now();
    await pool.query('select pg_terminate_backend($1)', [rows[0]?.owner_pid]);
    await expect.poll(() => b.isActive(), { timeout: 10_000, interval: 20 }).toBe(true);
    const takeoverMs = performance.now() - began;
    process.stderr.write(`[processing] lease takeover after the holder's connection died: ${Math.round(takeoverMs)} ms\n`);
    expect(takeoverMs).toBeLessThan(10_000);
    await b.whenCaughtUp(head, { timeoutMs: 45_000 });

    gate.resolve();
    await expect.poll(() => a.isActive(), { timeout: 5_000 }).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await count("select count(*) as n from applied_fence where instance = 'A'")).toBe(0);
    const batches = (await processorMetrics.batches.get()).values;
    expect(batches.find((v) => v.labels.processor === 'fenced' && v.labels.outcome === 'lost')?.value).toBe(1);
    expect(await count("select count(*) as n from applied_fence where instance = 'B'")).toBe(3);
    const after = await pool.query<{ epoch: string; checkpoint: string }>(
      "select epoch::text, checkpoint from processing.processors where name = 'fenced'",
    );
    expect(BigInt(after.rows[0]?.epoch ?? 0)).toBe(BigInt(rows[0]?.epoch ?? 0) + 1n);
    expect(after.rows[0]?.checkpoint).toBe(b.checkpoint());
  });

  it('takes the lease from a holder that stopped beating (connection alive, process hung)', async () => {
    const hung = new pg.Client({ connectionString: use().url });
    hung.on('error', () => undefined);
    await hung.connect();
    await hung.query(`select pg_advisory_lock(${leaseKeySql})`, ['silent']);
    await pool.query(
      "insert into processing.processors (name, owner, epoch, heartbeat_at) values ('silent', 'hung:1:x', 7, now() - interval '1 minute')",
    );
    const seen: number[] = [];
    const processor = start(
      {
        name: 'silent',
        transactional: false,
        handleBatch: (events) => Promise.resolve(void seen.push(...events.map((e) => e.data.n as number))),
      },
      200,
    );
    await expect.poll(() => processor.isActive(), { timeout: 10_000 }).toBe(true);
    const { rows } = await pool.query<{ epoch: string; owner: string }>(
      "select epoch::text, owner from processing.processors where name = 'silent'",
    );
    expect(rows[0]?.epoch).toBe('8');
    expect(rows[0]?.owner).toMatch(new RegExp(`:${process.pid}:`));
    await expect(hung.query('select 1')).rejects.toThrow();
    await hung.end().catch(() => undefined);
  });

  it('hands the lease over on stop, and the next instance continues from the stored checkpoint', async () => {
    const seen: number[] = [];
    const definition = {
      name: 'handover',
      transactional: false,
      filter: { streamPrefixes: ['handover-'] },
      handleBatch: (events: readonly RecordedEvent[]) => Promise.resolve(void seen.push(...events.map((e) => e.data.n as number))),
    };
    const first = start(definition);
    const one = (await store.appendToStream('handover-1', [tick(1), tick(2)])).position;
    await first.whenCaughtUp(one, { timeoutMs: 45_000 });
    await first.stop();
    expect(first.isActive()).toBe(false);
    expect((await pool.query("select owner from processing.processors where name = 'handover'")).rows[0]).toEqual({ owner: null });
    const two = (await store.appendToStream('handover-1', [tick(3)])).position;
    const second = start(definition);
    await second.whenCaughtUp(two, { timeoutMs: 45_000 });
    expect(seen).toEqual([1, 2, 3]);
  });
});
