import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { pino } from 'pino';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createEventStore } from '../eventStore/createEventStore.js';
import type { EventStore, Position, RecordedEvent } from '../eventStore/types.js';
import { describeWith } from '../testing/describeWith.js';
import { PoisonEventError } from './errors.js';
import { startProcessor } from './startProcessor.js';
import type { ProcessorDefinition, ProcessorOptions, RunningProcessor } from './types.js';

const logger = pino({ level: 'silent' });
const fast: ProcessorOptions = { retry: { attempts: 3, initialDelayMs: 5, maxDelayMs: 20 }, lagSampleMs: 0 };

const tick = (n: number, extra: Record<string, boolean> = {}) => ({
  type: 'Tick',
  data: { n, ...extra },
  metadata: { eventId: randomUUID(), schemaVersion: 1, occurredAt: new Date().toISOString() },
});
const numberOf = (e: RecordedEvent) => e.data.n as number;

describeWith('postgres', 'processor runtime', (use) => {
  let store: EventStore;
  let pool: pg.Pool;
  const running: RunningProcessor[] = [];
  const start = (definition: ProcessorDefinition, options: ProcessorOptions = fast) => {
    const processor = startProcessor(definition, { store, pool, logger, options });
    running.push(processor);
    return processor;
  };
  const append = async (stream: string, events: ReturnType<typeof tick>[]): Promise<Position> =>
    (await store.appendToStream(stream, events)).position;
  const count = async (sql: string, values: unknown[] = []) => Number((await pool.query<{ n: string }>(sql, values)).rows[0]?.n);
  /** A read model of applied events with no uniqueness, so a double application shows as a duplicate row. */
  const table = async (name: string) => {
    await pool.query(`create table ${name} (stream text not null, n int not null)`);
    return (events: readonly RecordedEvent[], tx: pg.ClientBase | undefined) =>
      (tx ?? pool).query(`insert into ${name} (stream, n) select * from unnest($1::text[], $2::int[])`, [
        events.map((e) => e.streamId),
        events.map(numberOf),
      ]);
  };

  beforeAll(async () => {
    store = await createEventStore({ databaseUrl: use().url });
    pool = new pg.Pool({ connectionString: use().url, max: 10 });
  });
  afterAll(async () => {
    await Promise.all(running.map((p) => p.stop()));
    await pool.end();
    await store.close();
  });

  it('applies batches with their checkpoint in one transaction and catches up to the head', async () => {
    const write = await table('applied_a');
    const batches: number[] = [];
    for (let i = 0; i < 6; i += 1)
      await append(
        `a-${i}`,
        Array.from({ length: 200 }, (_, j) => tick(i * 200 + j)),
      );
    const processor = start({
      name: 'a',
      filter: { streamPrefixes: ['a-'] },
      batchSize: 250,
      transactional: true,
      async handleBatch(events, ctx) {
        batches.push(events.length);
        await write(events, ctx.tx);
      },
    });
    const head = await append('a-last', [tick(1200)]);
    await processor.whenCaughtUp(head, { timeoutMs: 45_000 });
    expect(await count('select count(*) as n from applied_a')).toBe(1201);
    expect(await count('select count(*) - count(distinct n) as n from applied_a')).toBe(0);
    expect(Math.max(...batches)).toBe(250);
    const { rows } = await pool.query<{ checkpoint: string }>("select checkpoint from processing.processors where name = 'a'");
    expect(String(rows[0]?.checkpoint) >= head).toBe(true);
    expect(processor.isActive()).toBe(true);
  });

  it('rolls a failing batch back whole and retries it: nothing is half-applied or applied twice', async () => {
    const write = await table('applied_b');
    let failures = 0;
    const processor = start({
      name: 'b',
      filter: { streamPrefixes: ['b-'] },
      transactional: true,
      async handleBatch(events, ctx) {
        await write(events, ctx.tx);
        if (failures < 2) {
          failures += 1;
          throw new Error('crash after writing rows');
        }
      },
    });
    const head = await append(
      'b-1',
      Array.from({ length: 50 }, (_, i) => tick(i)),
    );
    await processor.whenCaughtUp(head, { timeoutMs: 45_000 });
    expect(failures).toBe(2);
    expect(await count('select count(*) as n from applied_b')).toBe(50);
    expect(await count('select count(*) - count(distinct n) as n from applied_b')).toBe(0);
    expect(await count("select count(*) as n from processing.dead_letters where processor = 'b'")).toBe(0);
  });

  it('parks a poison event with its error and attempts, and goes on with the events after it', async () => {
    const write = await table('applied_c');
    const processor = start({
      name: 'c',
      filter: { streamPrefixes: ['c-'] },
      transactional: true,
      async handleBatch(events, ctx) {
        await write(events, ctx.tx);
        const poison = events.find((e) => e.data.poison === true);
        if (poison !== undefined) throw new Error(`cannot apply ${numberOf(poison)}`);
      },
    });
    await append('c-1', [tick(1), tick(2), tick(3, { poison: true }), tick(4)]);
    const head = await append('c-2', [tick(5)]);
    await processor.whenCaughtUp(head, { timeoutMs: 45_000 });
    const applied = (await pool.query<{ n: number }>('select n from applied_c order by n')).rows.map((r) => r.n);
    expect(applied).toEqual([1, 2, 4, 5]);
    const { rows } = await pool.query<{
      stream_id: string;
      event_type: string;
      error: string;
      attempts: number;
      event: { data: { n: number } };
    }>("select stream_id, event_type, error, attempts, event from processing.dead_letters where processor = 'c'");
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ stream_id: 'c-1', event_type: 'Tick', attempts: 4, event: { data: { n: 3 } } });
    expect(rows[0]?.error).toMatch(/cannot apply 3\n\s+at /);
  });

  it('stops at a poison event in strict mode, with the checkpoint just before it', async () => {
    const write = await table('applied_d');
    const before = await append('d-1', [tick(1), tick(2)]);
    await append('d-1', [tick(3, { poison: true }), tick(4)]);
    const processor = start(
      {
        name: 'd',
        filter: { streamPrefixes: ['d-'] },
        transactional: true,
        async handleBatch(events, ctx) {
          if (events.some((e) => e.data.poison === true)) throw new Error('poison');
          await write(events, ctx.tx);
        },
      },
      { ...fast, strict: true },
    );
    const error = await processor.finished;
    expect(error).toBeInstanceOf(PoisonEventError);
    expect((error as PoisonEventError).event.data).toEqual({ n: 3, poison: true });
    expect(processor.checkpoint()).toBe(before);
    expect(processor.isActive()).toBe(false);
    expect(await count('select count(*) as n from applied_d')).toBe(2);
    expect(await count("select count(*) as n from processing.dead_letters where processor = 'd'")).toBe(0);
  });

  it('advances the checkpoint of a sparse filter past events it does not match', async () => {
    const seen: RecordedEvent[] = [];
    const processor = start({
      name: 'e',
      filter: { streamPrefixes: ['nothing-matches-'] },
      transactional: false,
      handleBatch(events) {
        seen.push(...events);
        return Promise.resolve();
      },
    });
    const position = await append('e-1', [tick(1)]);
    await processor.whenCaughtUp(position, { timeoutMs: 45_000 });
    expect(seen).toEqual([]);
    const { rows } = await pool.query<{ checkpoint: string }>("select checkpoint from processing.processors where name = 'e'");
    expect(String(rows[0]?.checkpoint) >= position).toBe(true);
    await expect(processor.whenCaughtUp('ffffffffffffffff/0000000000000000' as Position, { timeoutMs: 100 })).rejects.toThrow(
      /timed out after 100 ms/,
    );
  });
});
