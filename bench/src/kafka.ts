import { randomBytes } from 'node:crypto';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { Kafka, logLevel, Partitioners } from 'kafkajs';
import pg from 'pg';
import {
  allTopicNames,
  createKafkaPublisher,
  createLogger,
  ensureTopics,
  forwardedStreamPrefixes,
  readInfraEnv,
  startProcessor,
  toProduceRequests,
  type EventStore,
  type Position,
  type ProcessorDefinition,
} from '@orderflow/platform';
import { createScratchDatabase, settleDatabase } from './database.js';
import { orderPlaced } from './eventstore/events.js';
import { createPostgresEventStore } from './eventstore/platform.js';
import { round } from './stats.js';

export const description =
  'Kafka forwarding (processor runtime + idempotent publisher) over 1M stored events against a bare kafkajs producer';

const logger = createLogger('bench-kafka', 'warn');

/**
 * `pnpm bench kafka [--events N] [--batch N] [--partitions N]`. Seeds a scratch database, then measures, in the same run
 * and on the same broker: (1) the ceiling, a bare kafkajs idempotent producer (acks=all) sending the very same
 * records, serialised beforehand, in batches of the same size, timing only `sendBatch`; (2) the forwarder path, the
 * processing runtime reading the log from PostgreSQL with the forwarder's handler (the platform publisher the
 * forwarder delegates to), from the start until its checkpoint reaches the head.
 */
export async function run(args: readonly string[]): Promise<void> {
  const began = performance.now();
  const loadAtStart = os.loadavg().map(round);
  const { values } = parseArgs({
    args: [...args],
    options: {
      events: { type: 'string', default: '1000000' },
      batch: { type: 'string', default: '1000' },
      partitions: { type: 'string', default: '6' },
    },
  });
  const events = positive(values.events);
  const batch = positive(values.batch);
  const partitions = positive(values.partitions);
  const infra = readInfraEnv();
  const adminUrl = process.env.DATABASE_URL ?? infra.DATABASE_URL;
  const brokers = (process.env.KAFKA_BROKERS ?? infra.KAFKA_BROKERS ?? '').split(',').filter(Boolean);
  if (adminUrl === undefined || adminUrl === '' || brokers.length === 0) throw new Error('no PostgreSQL or Kafka: run `pnpm infra:up`');
  const tag = randomBytes(4).toString('hex');
  const database = await createScratchDatabase(adminUrl, `bench_kafka_${tag}`);
  const store = await createPostgresEventStore({ connectionString: database.url, subscription: { batchSize: batch, pollIntervalMs: 500 } });
  const kafka = new Kafka({ brokers, clientId: 'bench-kafka', logLevel: logLevel.NOTHING });
  const prefix = `bench-kafka-${tag}.`;
  try {
    const seedSeconds = await seed(store, database.url, events);
    progress(`seeded ${events} events in ${seedSeconds} s`);
    const ceiling = await measureBare(kafka, store, `${prefix}bare.`, batch, partitions, events);
    progress(`bare kafkajs producer: ${ceiling.eventsPerSec} events/s`);
    const ours = await measureForwarder(brokers, store, database.url, `${prefix}fwd.`, batch, partitions, events);
    progress(`forwarder: ${ours.eventsPerSec} events/s`);
    const ratio = round(ours.eventsPerSec / ceiling.eventsPerSec);
    const rows = [
      ['', 'events', 'seconds', 'events/s', 'Node CPU µs/event'],
      ['forwarder (runtime + publisher)', String(ours.events), String(ours.seconds), String(ours.eventsPerSec), String(ours.cpuUsPerEvent)],
      [
        'bare kafkajs producer (ceiling)',
        String(ceiling.events),
        String(ceiling.seconds),
        String(ceiling.eventsPerSec),
        String(ceiling.cpuUsPerEvent),
      ],
    ];
    const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
    const table = rows
      .map((r) => r.map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0))).join('  '))
      .join('\n');
    const target = 50_000;
    const json = JSON.stringify({
      bench: 'kafka',
      events,
      batch,
      partitions,
      forwarderEventsPerSec: ours.eventsPerSec,
      bareProducerEventsPerSec: ceiling.eventsPerSec,
      ratio,
      forwarderCpuUsPerEvent: ours.cpuUsPerEvent,
      bareProducerCpuUsPerEvent: ceiling.cpuUsPerEvent,
      targetEventsPerSec: target,
      targetMet: ours.eventsPerSec >= target,
      seedSeconds,
      totalSeconds: round((performance.now() - began) / 1000),
      environment: { node: process.version, cpus: os.cpus().length, loadAverageAtStart: loadAtStart, loadAverage: os.loadavg().map(round) },
    });
    process.stdout.write(
      `${table}\n\nforwarder / ceiling: ${ratio}\ntarget ≥ ${target} events/s: ${ours.eventsPerSec >= target ? 'met' : 'MISSED'}\n\n${json}\n`,
    );
  } finally {
    await store.close();
    const admin = kafka.admin();
    await admin.connect();
    const topics = (await admin.listTopics()).filter((t) => t.startsWith(prefix));
    if (topics.length > 0) await admin.deleteTopics({ topics });
    await admin.disconnect();
    await database.drop();
  }
}

/** 1,000-event appends, four writers, streams spread over the three forwarded categories. */
async function seed(store: EventStore, url: string, events: number): Promise<number> {
  const start = performance.now();
  const size = 1_000;
  const batches = Math.ceil(events / size);
  let next = 0;
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      for (let b = next++; b < batches; b = next++) {
        const count = Math.min(size, events - b * size);
        const batch = Array.from({ length: count }, (_, i) => {
          const event = orderPlaced(b * size + i);
          return { ...event, metadata: { ...event.metadata, schemaVersion: 2 } };
        });
        await store.appendToStream(`${forwardedStreamPrefixes[b % 3] ?? 'order-'}b${b}`, batch, { expectedRevision: 'no_stream' });
        if (b % 100 === 0) progress(`seeding: ${b * size} events`);
      }
    }),
  );
  await settleDatabase(url);
  return round((performance.now() - start) / 1000);
}

async function measureBare(kafka: Kafka, store: EventStore, prefix: string, batch: number, partitions: number, total: number) {
  const naming = { prefix };
  const admin = kafka.admin();
  await admin.connect();
  await ensureTopics(admin, allTopicNames(naming), { partitions });
  await admin.disconnect();
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  let sendMs = 0;
  let cpuUs = 0;
  let sent = 0;
  let from: Position | 'start' = 'start';
  for (;;) {
    const page = await store.readAll({ from, maxCount: 20 * batch });
    const last = page.at(-1);
    if (last === undefined) break;
    from = last.position;
    // Serialised beforehand and cut like the forwarder's requests: only the sends are timed.
    for (let i = 0; i < page.length; i += batch) {
      const { requests } = toProduceRequests(page.slice(i, i + batch), naming);
      const t0 = performance.now();
      const cpu0 = process.cpuUsage();
      for (const topicMessages of requests) await producer.sendBatch({ acks: -1, topicMessages });
      sendMs += performance.now() - t0;
      cpuUs += cpuMicros(cpu0);
    }
    sent += page.length;
    if (sent % (100 * batch) < 20 * batch) progress(`bare producer: ${sent}/${total}`);
  }
  await producer.disconnect();
  return {
    events: sent,
    seconds: round(sendMs / 1000),
    eventsPerSec: Math.round(sent / (sendMs / 1000)),
    cpuUsPerEvent: round(cpuUs / sent),
  };
}

async function measureForwarder(
  brokers: readonly string[],
  store: EventStore,
  url: string,
  prefix: string,
  batch: number,
  partitions: number,
  total: number,
) {
  const pool = new pg.Pool({ connectionString: url, max: 4 });
  const publisher = createKafkaPublisher({ brokers, logger, naming: { prefix }, topics: { partitions } });
  await publisher.ready();
  let forwarded = 0;
  // The forwarder's handler (projection-service/src/forwarder/kafkaForwarder.ts) minus its backlog bookkeeping.
  const definition: ProcessorDefinition = {
    name: 'bench-kafka-forwarder',
    filter: { streamPrefixes: forwardedStreamPrefixes },
    batchSize: batch,
    transactional: false,
    async handleBatch(events, ctx) {
      forwarded += await publisher.publish(events, ctx.signal);
    },
  };
  const head = await store.headPosition();
  if (head === undefined) throw new Error('nothing seeded');
  const start = performance.now();
  const cpu0 = process.cpuUsage();
  const running = startProcessor(definition, { store, pool, logger, options: { heartbeatMs: 2_000 } });
  const ticker = setInterval(() => {
    progress(`forwarder: ${forwarded}/${total}`);
  }, 5_000);
  try {
    await running.whenCaughtUp(head, { timeoutMs: 30 * 60_000 });
  } finally {
    clearInterval(ticker);
  }
  const seconds = (performance.now() - start) / 1000;
  const cpuUs = cpuMicros(cpu0);
  await running.stop();
  await publisher.close();
  await pool.end();
  return {
    events: forwarded,
    seconds: round(seconds),
    eventsPerSec: Math.round(forwarded / seconds),
    cpuUsPerEvent: round(cpuUs / forwarded),
  };
}

/** This process's CPU time (user + system, every thread) since `from`, in microseconds. */
function cpuMicros(from: NodeJS.CpuUsage): number {
  const { user, system } = process.cpuUsage(from);
  return user + system;
}

function progress(line: string): void {
  process.stderr.write(`${line}\n`);
}

function positive(value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n <= 0) throw new Error(`not a positive integer: ${value}`);
  return n;
}
