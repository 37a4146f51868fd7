import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { finished } from 'node:stream/promises';
import { createEventStore, type EventStore, type RecordedEvent } from '@orderflow/platform';
import { describeWith } from '@orderflow/platform/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { exportEvents } from './exportEvents.js';
import { newEvent } from './forwarderTestKit.js';

const total = 100_000;

describeWith('postgres', 'events export', (use) => {
  let store: EventStore;
  let dir: string;
  beforeAll(async () => {
    store = await createEventStore({ databaseUrl: use().url });
    dir = await mkdtemp(path.join(tmpdir(), 'orderflow-export-'));
    // 1,000 streams of 100 events, appended 50 at a time, interleaved across streams.
    for (let half = 0; half < 2; half++)
      for (let i = 0; i < 1_000; i++) {
        const stream = `${['order', 'inventory', 'payment', 'checkout'][i % 4] ?? 'order'}-x${i}`;
        const events = Array.from({ length: 50 }, (_, k) =>
          newEvent(k % 2 === 0 ? 'Even' : 'Odd', { n: half * 50 + k, note: 'a "quoted", text' }),
        );
        await store.appendToStream(stream, events);
      }
  }, 180_000);
  afterAll(async () => {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('exports 100,000 events to NDJSON exactly as readAll returns them, through a slow (backpressured) file', async () => {
    const file = path.join(dir, 'all.ndjson');
    // A tiny buffer makes nearly every page wait for 'drain'.
    const out = createWriteStream(file, { highWaterMark: 1024 });
    const progress: number[] = [];
    const result = await exportEvents({ store, from: 'start', to: 'end', format: 'ndjson', out, onProgress: (n) => progress.push(n) });
    out.end();
    await finished(out);
    expect(result.exported).toBe(total);
    expect(progress.at(-1)).toBe(total);
    expect(progress.length).toBeGreaterThanOrEqual(total / 2_000);

    const expected = await store.readAll();
    expect(expected).toHaveLength(total);
    let index = 0;
    const lines = createInterface({ input: createReadStream(file), crlfDelay: Infinity });
    for await (const line of lines) {
      const e = expected[index++] as RecordedEvent;
      expect(JSON.parse(line)).toStrictEqual({
        position: e.position,
        streamId: e.streamId,
        revision: Number(e.revision),
        type: e.type,
        data: e.data,
        metadata: e.metadata,
        recordedAt: e.recordedAt.toISOString(),
      });
    }
    expect(index).toBe(total);
    expect(result.last).toBe(expected.at(-1)?.position);
  }, 180_000);

  it('honours from/to bounds, type and stream-prefix filters, and writes CSV with quoted data', async () => {
    const all = await store.readAll({ maxCount: 5_000 });
    const from = all[999]?.position ?? 'start';
    const to = all[3_999]?.position ?? 'end';
    const file = path.join(dir, 'part.csv');
    const out = createWriteStream(file);
    const result = await exportEvents({
      store,
      from,
      to,
      format: 'csv',
      out,
      pageSize: 333,
      filter: { eventTypes: ['Odd'], streamPrefixes: ['order-', 'payment-'] },
    });
    out.end();
    await finished(out);
    const expected = all.slice(1_000, 4_000).filter((e) => e.type === 'Odd' && /^(order|payment)-/.test(e.streamId));
    expect(result.exported).toBe(expected.length);
    const rows = (await readFile(file, 'utf8')).trimEnd().split('\n');
    expect(rows[0]).toBe(
      'position,stream_id,revision,type,event_id,schema_version,correlation_id,causation_id,actor,occurred_at,recorded_at,data',
    );
    expect(rows.slice(1).map((r) => r.split(',')[0])).toEqual(expected.map((e) => e.position));
    const first = expected[0];
    expect(rows[1]).toContain(`,"${JSON.stringify(first?.data).replaceAll('"', '""')}"`);
  });
});
