import { setTimeout as sleep } from 'node:timers/promises';
import { Kafka, logLevel } from 'kafkajs';
import pg from 'pg';
import {
  createEventStore,
  createLogger,
  startLocalKafkaBroker,
  startProcessor,
  type EventStore,
  type LocalKafkaBroker,
  type RunningProcessor,
} from '@orderflow/platform';
import { describeWith, type PostgresTestDb } from '@orderflow/platform/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { expectedPerKey, forwardedEvents, newEvent, perKey, startRecording } from './forwarderTestKit.js';
import { createKafkaForwarder, type KafkaForwarder } from './kafkaForwarder.js';

const logger = createLogger('forwarder-outage-test', process.env.TEST_LOG_LEVEL ?? 'silent');

// A broker of this file's own (port, data folder): stopping the shared one would break every other suite. It runs
// the jars `pnpm infra:up` resolved (startLocalKafkaBroker resolves them from Maven Central when they are absent).

function outageSuite(use: () => PostgresTestDb): void {
  let broker: LocalKafkaBroker;
  let store: EventStore;
  let pool: pg.Pool;
  let forwarder: KafkaForwarder;
  let running: RunningProcessor | undefined;
  beforeAll(async () => {
    broker = await startLocalKafkaBroker();
    store = await createEventStore({ databaseUrl: use().url });
    pool = new pg.Pool({ connectionString: use().url, max: 4 });
  }, 180_000);
  afterAll(async () => {
    await running?.stop();
    await forwarder.close();
    await store.close();
    await pool.end();
    await broker.destroy();
  });

  it('waits out a 30 s broker outage while orders flow, then delivers everything, each key in order', async () => {
    forwarder = createKafkaForwarder({
      brokers: [broker.brokers],
      store,
      logger,
      topics: { partitions: 3 },
      batchSize: 200,
      backoff: { initialMs: 100, maxMs: 1_000 },
      backlog: { intervalMs: 500 },
    });
    running = startProcessor(forwarder.definition, { store, pool, logger });

    const appending = { on: true };
    let appended = 0;
    const flow = (async () => {
      for (let round = 0; appending.on; round++) {
        for (let i = 0; i < 6; i++) {
          const prefix = ['order-', 'inventory-', 'payment-'][i % 3] ?? 'order-';
          await store.appendToStream(`${prefix}out-${i}`, [newEvent('Step', { round }), newEvent('Step', { round, second: 1 })]);
          appended += 2;
        }
        await sleep(50);
      }
    })();

    await expect.poll(() => forwarder.health().lastAcknowledged, { timeout: 30_000 }).toBeDefined();
    await broker.stop();
    const stoppedAt = Date.now();
    await expect.poll(() => forwarder.health().status, { timeout: 30_000 }).toBe('degraded');
    // A loaded machine appends far more slowly than the ~200 events a second of an idle one.
    await expect.poll(() => forwarder.health().backlog, { timeout: 60_000 }).toBeGreaterThan(200);
    const appendedDuringOutage = appended;
    await sleep(Math.max(0, 30_000 - (Date.now() - stoppedAt)));
    // Appending still goes on, the broker still down (the wait above may have taken the whole 30 s).
    await expect.poll(() => appended, { timeout: 10_000 }).toBeGreaterThan(appendedDuringOutage);
    expect(forwarder.health().status).toBe('degraded');
    await broker.start();
    await sleep(2_000);
    appending.on = false;
    await flow;

    const head = await store.headPosition();
    if (head === undefined) throw new Error('no events');
    await running.whenCaughtUp(head, { timeoutMs: 60_000 });
    expect(forwarder.health()).toMatchObject({ status: 'up', backlog: 0 });

    const expected = await forwardedEvents(store);
    const kafka = new Kafka({ brokers: [broker.brokers], logLevel: logLevel.NOTHING });
    const recording = await startRecording(kafka, forwarder.topics, 'outage-check');
    try {
      await expect.poll(() => recording.uniqueIds(), { timeout: 60_000, interval: 250 }).toBe(expected.length);
      const { sequences } = perKey(recording.received);
      expect(sequences).toEqual(expectedPerKey(expected));
    } finally {
      await recording.stop();
    }
  }, 360_000);
}

describeWith('postgres', 'kafka forwarder broker outage', outageSuite);
