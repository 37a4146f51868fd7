import { execFile, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Kafka } from 'kafkajs';
import { createEventStore, type EventEnvelope, type EventStore, type Position, type RecordedEvent } from '@orderflow/platform';
import { describeWith } from '@orderflow/platform/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, '../../..');

function newEvent(type: string, n: number, text = 'with, a "comma"') {
  return {
    type,
    data: { n, text },
    metadata: { eventId: crypto.randomUUID(), schemaVersion: 1, occurredAt: new Date().toISOString() },
  };
}

/** What `events export` writes per NDJSON line, spelled out: the stored event with its place in the log. */
const exported = (e: RecordedEvent) => ({
  position: e.position,
  streamId: e.streamId,
  revision: Number(e.revision),
  type: e.type,
  data: e.data,
  metadata: e.metadata,
  recordedAt: e.recordedAt.toISOString(),
});

/** What the forwarder and the replay publish as a record's value. */
const envelope = (e: RecordedEvent): EventEnvelope => ({
  type: e.type,
  data: e.data,
  metadata: e.metadata,
  position: e.position,
  streamId: e.streamId,
  revision: Number(e.revision),
});

/** Records in `topics` now (sum of partition high watermarks minus low ones). */
async function recordsIn(kafka: Kafka, topics: readonly string[]): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    let records = 0;
    for (const topic of topics) for (const p of await admin.fetchTopicOffsets(topic)) records += Number(p.high) - Number(p.low);
    return records;
  } finally {
    await admin.disconnect();
  }
}

/** A fresh consumer group reading `topics` from the beginning until `count` records arrived, in arrival order. */
async function readBack(kafka: Kafka, topics: readonly string[], groupId: string, count: number) {
  const received: { topic: string; key: string; envelope: EventEnvelope }[] = [];
  const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 200 });
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [...topics], fromBeginning: true });
    await consumer.run({
      eachMessage: ({ topic, message }) => {
        received.push({
          topic,
          key: message.key?.toString() ?? '',
          envelope: JSON.parse(message.value?.toString() ?? 'null') as EventEnvelope,
        });
        return Promise.resolve();
      },
    });
    await expect.poll(() => received.length, { timeout: 30_000, interval: 200 }).toBeGreaterThanOrEqual(count);
  } finally {
    await consumer.disconnect();
  }
  return received;
}

/** Per key (stream), its revisions in the given order. */
function revisionsPerKey(items: readonly { key: string; revision: number }[]): Map<string, number[]> {
  const sequences = new Map<string, number[]>();
  for (const { key, revision } of items) sequences.set(key, [...(sequences.get(key) ?? []), revision]);
  return sequences;
}

describeWith('postgres', 'orderflow events', (use) => {
  let store: EventStore;
  let dir: string;
  const env = () => ({ ...process.env, DATABASE_URL: use().url });
  // Each call starts pnpm and compiles the CLI with tsx: seconds alone on the machine, far longer on a loaded one.
  const cli = (...args: string[]) => run('pnpm', ['-s', 'orderflow', 'events', ...args], { cwd: root, env: env(), timeout: 120_000 });
  beforeAll(async () => {
    store = await createEventStore({ databaseUrl: use().url });
    dir = await mkdtemp(path.join(tmpdir(), 'orderflow-events-cli-'));
    for (let i = 0; i < 30; i++)
      await store.appendToStream(`${i % 2 === 0 ? 'order' : 'checkout'}-c${i % 5}`, [newEvent(i % 3 === 0 ? 'A' : 'B', i)]);
  });
  afterAll(async () => {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('exports the filtered log as NDJSON on stdout, its summary on stderr', async () => {
    const { stdout, stderr } = await cli('export', '--type', 'A', '--stream-prefix', 'order-');
    const expected = (await store.readAll({ filter: { eventTypes: ['A'], streamPrefixes: ['order-'] } })).map((e) => e.position);
    const lines = stdout.trimEnd().split('\n');
    expect(lines.map((l) => (JSON.parse(l) as { position: string }).position)).toEqual(expected);
    expect(stderr).toContain(`exported ${expected.length} events`);
  });

  it('exports CSV between two positions', async () => {
    const all = await store.readAll();
    const { stdout } = await cli('export', '--format', 'csv', '--from', all[4]?.position ?? '', '--to', all[9]?.position ?? '');
    const rows = stdout.trimEnd().split('\n');
    expect(rows).toHaveLength(1 + 5);
    expect(rows.slice(1).map((r) => r.split(',')[0])).toEqual(all.slice(5, 10).map((e) => e.position));
  });

  it('exports with --out to a file equal to readAll, line for line; stdout stays empty', async () => {
    const file = path.join(dir, 'all.ndjson');
    const { stdout, stderr } = await cli('export', '--out', file);
    const expected = await store.readAll();
    expect(expected.length).toBeGreaterThanOrEqual(30);
    expect(stdout).toBe('');
    expect(stderr.split('\n')).toContain(`exported ${expected.length} events up to ${expected.at(-1)?.position} to ${file}`);
    const text = await readFile(file, 'utf8');
    expect(text.endsWith('\n')).toBe(true);
    expect(
      text
        .trimEnd()
        .split('\n')
        .map((l) => JSON.parse(l) as unknown),
    ).toStrictEqual(expected.map(exported));
  }, 120_000);

  it('exports CSV with --out: the header, then one row per event with the data as a quoted JSON column', async () => {
    const file = path.join(dir, 'b.csv');
    const { stdout } = await cli('export', '--format', 'csv', '--type', 'B', '--out', file);
    const expected = await store.readAll({ filter: { eventTypes: ['B'] } });
    expect(expected.length).toBeGreaterThan(0);
    expect(stdout).toBe('');
    const rows = (await readFile(file, 'utf8')).trimEnd().split('\n');
    expect(rows[0]).toBe(
      'position,stream_id,revision,type,event_id,schema_version,correlation_id,causation_id,actor,occurred_at,recorded_at,data',
    );
    expect(rows.slice(1)).toEqual(
      expected.map((e) =>
        [
          e.position,
          e.streamId,
          e.revision,
          'B',
          e.metadata.eventId,
          1,
          '',
          '',
          '',
          e.metadata.occurredAt,
          e.recordedAt.toISOString(),
          `"${JSON.stringify(e.data).replaceAll('"', '""')}"`,
        ].join(','),
      ),
    );
  }, 120_000);

  it('tails the live log: one human line per matching event, in order, as they are appended; Ctrl-C ends it with exit code 0', async () => {
    const from = (await store.headPosition()) ?? 'start';
    // The CLI itself, not pnpm, so that SIGINT reaches it as Ctrl-C would.
    const tail = spawn(
      process.execPath,
      [
        '--conditions=@orderflow/source',
        '--import',
        'tsx',
        'cli/src/main.ts',
        'events',
        'tail',
        '--from',
        from,
        '--stream-prefix',
        'tail-',
      ],
      { cwd: root, env: env(), stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    tail.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    tail.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
      tail.once('exit', (code, signal) => {
        resolve({ code, signal });
      });
    });
    const lines = () => stdout.split('\n').slice(0, -1);
    try {
      await store.appendToStream('tail-a', [newEvent('Shown', 1)]);
      await store.appendToStream('other-a', [newEvent('Hidden', 2)]);
      await store.appendToStream('tail-b', [newEvent('Shown', 3, 'x'.repeat(300))]);
      await expect.poll(() => lines().length, { timeout: 90_000, interval: 100 }).toBeGreaterThanOrEqual(2);
      // The tail printed, so it is running: these are appended while it follows the log.
      await store.appendToStream('tail-a', [newEvent('Later', 4), newEvent('Later', 5)]);
      await expect.poll(() => lines().length, { timeout: 30_000, interval: 100 }).toBeGreaterThanOrEqual(4);
      tail.kill('SIGINT');
      const stopped = await Promise.race([
        exited,
        new Promise((resolve) => setTimeout(resolve, 30_000, 'still running 30 s after SIGINT').unref()),
      ]);
      expect(stopped).toEqual({ code: 0, signal: null });
    } finally {
      if (tail.exitCode === null && tail.signalCode === null) tail.kill('SIGKILL');
    }
    expect(stderr).not.toMatch(/error|\n\s+at /i);

    const events = await store.readAll({ from, filter: { streamPrefixes: ['tail-'] } });
    expect(events.map((e) => `${e.streamId}@${e.revision} ${e.type}`)).toEqual([
      'tail-a@0 Shown',
      'tail-b@0 Shown',
      'tail-a@1 Later',
      'tail-a@2 Later',
    ]);
    const head = (e: RecordedEvent) =>
      `${e.recordedAt.toISOString().slice(11, 23)}  ${e.position}  ${e.streamId}@${e.revision}  ${e.type}  `;
    const [a0, b0, a1, a2] = events as [RecordedEvent, RecordedEvent, RecordedEvent, RecordedEvent];
    const printed = lines();
    expect(printed).toHaveLength(4);
    expect(printed[0]).toBe(`${head(a0)}{"n":1,"text":"with, a \\"comma\\""}`);
    expect(printed[2]).toBe(`${head(a1)}{"n":4,"text":"with, a \\"comma\\""}`);
    expect(printed[3]).toBe(`${head(a2)}{"n":5,"text":"with, a \\"comma\\""}`);
    // Data too long for the line is cut with an ellipsis at the line width (160 on a pipe).
    expect(printed[1]).toMatch(new RegExp(`^${head(b0).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\{"n":3,"text":"x+…$`));
    expect(printed[1]).toHaveLength(160);
  }, 120_000);

  it('refuses a malformed position and an unknown format with a message, not a stack trace', async () => {
    for (const args of [
      ['export', '--from', 'yesterday'],
      ['export', '--format', 'xml'],
      ['replay', '--to-kafka', '--topic-suffix', 'bad suffix!'],
    ]) {
      const failure = (await cli(...args).catch((e: unknown) => e)) as { code?: number; stderr?: string };
      expect(failure.code, args.join(' ')).not.toBe(0);
      expect(failure.stderr, args.join(' ')).toMatch(/^error: /m);
      expect(failure.stderr, args.join(' ')).not.toMatch(/\n\s+at /);
    }
  });

  describeWith('kafka', 'orderflow events replay', (useKafka) => {
    /** `rounds` times one event in each of three streams per category, `checkout-` included (never forwarded). */
    async function appendRounds(tag: string, rounds: number): Promise<Position> {
      let last: Position | undefined;
      for (let round = 0; round < rounds; round++)
        for (const category of ['order', 'inventory', 'payment', 'checkout'])
          for (let i = 0; i < 3; i++)
            ({ position: last } = await store.appendToStream(`${category}-${tag}-${i}`, [newEvent(`Step${round}`, round)]));
      if (last === undefined) throw new Error('nothing appended');
      return last;
    }

    it('replays the forwarded events after --from into fresh <topic>.<suffix> topics, each key in order; run again, it resumes from its checkpoint and publishes nothing more', async () => {
      const { brokers, topicPrefix, kafka } = useKafka();
      const prefix = `${topicPrefix}orderflow.`;
      const from = await appendRounds('rp-before', 2);
      await appendRounds('rp-after', 3);
      const head = await store.headPosition();
      const expected = await store.readAll({ from, filter: { streamPrefixes: ['order-', 'inventory-', 'payment-'] } });
      expect(expected).toHaveLength(3 * 3 * 3);
      const last = expected.at(-1)?.position;
      const topics = ['orders', 'inventory', 'payments'].map((category) => `${prefix}${category}.v1.r1`);
      const checkpoint = path.join(dir, 'replay-r1.json');
      const replay = () =>
        cli(
          'replay',
          '--to-kafka',
          '--from',
          from,
          '--topic-suffix',
          'r1',
          '--topic-prefix',
          prefix,
          '--brokers',
          brokers.join(','),
          '--partitions',
          '3',
          '--checkpoint',
          checkpoint,
        );

      const first = await replay();
      expect(first.stderr.split('\n')).toContain(`replaying into ${topics.join(', ')} (checkpoint ${checkpoint})`);
      expect(first.stderr.split('\n')).toContain(`published ${expected.length} events up to ${last} (head at start: ${head})`);
      expect(await recordsIn(kafka(), topics)).toBe(expected.length);

      const received = await readBack(kafka(), topics, `${topicPrefix}replay-r1`, expected.length);
      for (const { topic, key, envelope } of received) {
        expect(envelope.streamId).toBe(key);
        expect(topic).toBe(
          `${prefix}${key.startsWith('order-') ? 'orders' : key.startsWith('inventory-') ? 'inventory' : 'payments'}.v1.r1`,
        );
      }
      // Exactly the forwarded events after --from, once each, as stored; and every key in its order.
      const byPosition = received.map((r) => r.envelope).sort((a, b) => (a.position < b.position ? -1 : 1));
      expect(byPosition).toStrictEqual(expected.map(envelope));
      expect(revisionsPerKey(received.map((r) => ({ key: r.key, revision: r.envelope.revision })))).toEqual(
        revisionsPerKey(expected.map((e) => ({ key: e.streamId, revision: Number(e.revision) }))),
      );

      // Events appended since are past the head the replay began at: the resumed run has nothing left to publish.
      await appendRounds('rp-later', 1);
      const second = await replay();
      expect(second.stderr.split('\n')).toContain(`resumed and published ${expected.length} events up to ${last} (head at start: ${head})`);
      expect(await recordsIn(kafka(), topics)).toBe(expected.length);
    }, 180_000);
  });
});
