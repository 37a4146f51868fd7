import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { pino } from 'pino';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createEventStore } from '../eventStore/createEventStore.js';
import type { EventStore, Position } from '../eventStore/types.js';
import { describeWith } from '../testing/describeWith.js';
import { createCheckpointWatcher, type CheckpointWatcher } from './checkpointWatcher.js';
import { migrateProcessing } from './migrateProcessing.js';
import { startProcessor } from './startProcessor.js';
import type { RunningProcessor } from './types.js';

const logger = pino({ level: 'silent' });
const tick = (n: number) => ({
  type: 'Tick',
  data: { n },
  metadata: { eventId: randomUUID(), schemaVersion: 1, occurredAt: new Date().toISOString() },
});

describeWith('postgres', 'checkpoint watcher', (use) => {
  let store: EventStore;
  let pool: pg.Pool;
  let processor: RunningProcessor;
  const watchers: CheckpointWatcher[] = [];
  const watch = (pollMs: number) => {
    const watcher = createCheckpointWatcher({ databaseUrl: use().url, pollMs, logger });
    watchers.push(watcher);
    return watcher;
  };

  beforeAll(async () => {
    store = await createEventStore({ databaseUrl: use().url });
    pool = new pg.Pool({ connectionString: use().url, max: 4 });
    await migrateProcessing(pool);
    processor = startProcessor(
      { name: 'watched', transactional: false, filter: { streamPrefixes: ['w-'] }, handleBatch: () => Promise.resolve() },
      { store, pool, logger, options: { lagSampleMs: 0 } },
    );
  });
  afterAll(async () => {
    await Promise.all(watchers.map((w) => w.close()));
    await processor.stop();
    await pool.end();
    await store.close();
  });

  it('resolves waitFor on the NOTIFY of the checkpoint write (polling is off), and tells listeners', async () => {
    const watcher = watch(60_000);
    const heard: [string, Position][] = [];
    const unsubscribe = watcher.onCheckpoint((name, position) => heard.push([name, position]));
    await watcher.current('watched');
    const position = (await store.appendToStream('w-1', [tick(1)])).position;
    const [written, notified] = await Promise.all([
      processor.whenCaughtUp(position, { timeoutMs: 45_000 }).then(() => performance.now()),
      watcher.waitFor('watched', position, { timeoutMs: 45_000 }).then((passed) => (passed ? performance.now() : Infinity)),
    ]);
    // Polling is every 60 s: only the NOTIFY gets the watcher there within seconds, however loaded the machine.
    expect(notified - written).toBeLessThan(5_000);
    const current = await watcher.current('watched');
    expect(current !== undefined && current >= position).toBe(true);
    expect(heard.some(([name, at]) => name === 'watched' && at >= position)).toBe(true);
    unsubscribe();
    const before = heard.length;
    await processor.whenCaughtUp((await store.appendToStream('w-1', [tick(2)])).position, { timeoutMs: 45_000 });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(heard).toHaveLength(before);
  });

  it('answers false when the checkpoint does not get there in time, or the wait is aborted', async () => {
    const watcher = watch(60_000);
    const far = 'ffffffffffffffff/0000000000000000' as Position;
    let began = performance.now();
    expect(await watcher.waitFor('watched', far, { timeoutMs: 200 })).toBe(false);
    const waited = performance.now() - began;
    expect(waited).toBeGreaterThanOrEqual(195);
    expect(waited).toBeLessThan(5_000); // not until the next poll, 60 s away

    const controller = new AbortController();
    began = performance.now();
    const waiting = watcher.waitFor('watched', far, { timeoutMs: 10_000, signal: controller.signal });
    setTimeout(() => {
      controller.abort();
    }, 50);
    expect(await waiting).toBe(false);
    expect(performance.now() - began).toBeLessThan(5_000); // not the 10 s timeout
    expect(await watcher.waitFor('no-such-processor', far, { timeoutMs: 50 })).toBe(false);
  });

  it('falls back to polling for checkpoints written without a notification', async () => {
    const watcher = watch(100);
    await watcher.current('polled');
    await pool.query("insert into processing.processors (name, checkpoint) values ('polled', '0000000000000001/0000000000000001')");
    expect(await watcher.waitFor('polled', '0000000000000001/0000000000000001' as Position, { timeoutMs: 3_000 })).toBe(true);
  });

  it('measures how far a checkpoint is behind a position in the log: events in between and the age of the first', async () => {
    const watcher = watch(60_000);
    const stream = `dist-${randomUUID()}`;
    const first = await store.appendToStream(stream, [tick(1)]);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const { position: last } = await store.appendToStream(stream, [tick(2), tick(3), tick(4)]);

    const behind = await watcher.distance(first.position, last);
    expect(behind?.eventsBehind).toBe(3);
    // The first event after the checkpoint (tick 2) is younger than tick 1 by the 300 ms above.
    expect(behind?.secondsBehind).toBeGreaterThanOrEqual(0);
    expect(behind?.secondsBehind).toBeLessThan(30);
    expect(await watcher.distance(last, last)).toEqual({ eventsBehind: 0, secondsBehind: 0 });
    const fromStart = await watcher.distance(undefined, last);
    expect(fromStart?.eventsBehind).toBeGreaterThanOrEqual(4);
    expect(fromStart?.secondsBehind).toBeGreaterThan(0.3);

    // A database without an event store (EventStoreDB topology) cannot say.
    const admin = new pg.Client(use().url);
    await admin.connect();
    const bare = `dist_bare_${randomUUID().slice(0, 8)}`;
    await admin.query(`create database ${bare}`);
    const bareUrl = use().url.replace(/\/[^/?]+(\?|$)/, `/${bare}$1`);
    const probe = new pg.Client(bareUrl);
    await probe.connect(); // the URL names a reachable database: undefined below is not a connection error
    await probe.end();
    const elsewhere = createCheckpointWatcher({ databaseUrl: bareUrl, pollMs: 60_000, logger });
    try {
      expect(await elsewhere.distance(undefined, last)).toBeUndefined();
    } finally {
      await elsewhere.close();
      await admin.query(`drop database ${bare} with (force)`);
      await admin.end();
    }
  });
});
