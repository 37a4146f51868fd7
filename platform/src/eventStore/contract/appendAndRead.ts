import { describe, expect, it } from 'vitest';
import { ConcurrencyError, EventIdReusedError } from '../errors.js';
import { comparePositions, parsePosition } from '../position.js';
import { at, ids, newEvent, type ContractContext } from './context.js';

export function describeAppendAndRead({ store, stream, prefix, capabilities }: ContractContext): void {
  describe('append with an expected revision', () => {
    it('creates a stream with no_stream and reads it back in order with revisions from 0', async () => {
      const s = stream('order');
      const events = [newEvent('OrderPlaced', { n: 1 }), newEvent('OrderConfirmed', { n: 2 }), newEvent('OrderShipped', { n: 3 })];
      const result = await store().appendToStream(s, events, { expectedRevision: 'no_stream' });
      expect(result.nextExpectedRevision).toBe(2n);
      const read = await store().readStream(s);
      expect(read.map((e) => [e.streamId, e.revision, e.type, e.data])).toEqual([
        [s, 0n, 'OrderPlaced', { n: 1 }],
        [s, 1n, 'OrderConfirmed', { n: 2 }],
        [s, 2n, 'OrderShipped', { n: 3 }],
      ]);
      expect(read[2]?.position).toBe(result.position);
    });

    it('accepts the exact last revision and refuses a stale one with a typed error, writing nothing', async () => {
      const s = stream('exact');
      await store().appendToStream(s, [newEvent('A'), newEvent('B')], { expectedRevision: 'no_stream' });
      expect((await store().appendToStream(s, [newEvent('C')], { expectedRevision: 1n })).nextExpectedRevision).toBe(2n);
      const stale = await store()
        .appendToStream(s, [newEvent('D')], { expectedRevision: 1n })
        .catch((e: unknown) => e);
      expect(stale).toBeInstanceOf(ConcurrencyError);
      expect(stale).toMatchObject({ streamId: s, expected: 1n, actual: 2n });
      expect((await store().readStream(s)).map((e) => e.type)).toEqual(['A', 'B', 'C']);
    });

    it('checks no_stream, stream_exists and any', async () => {
      const s = stream('states');
      await expect(store().appendToStream(s, [newEvent('A')], { expectedRevision: 'stream_exists' })).rejects.toMatchObject({
        name: 'ConcurrencyError',
        actual: undefined,
      });
      await store().appendToStream(s, [newEvent('A')], { expectedRevision: 'any' });
      await expect(store().appendToStream(s, [newEvent('B')], { expectedRevision: 'no_stream' })).rejects.toMatchObject({
        name: 'ConcurrencyError',
        expected: 'no_stream',
        actual: 0n,
      });
      await store().appendToStream(s, [newEvent('B')], { expectedRevision: 'stream_exists' });
      await store().appendToStream(s, [newEvent('C')]);
      expect((await store().readStream(s)).map((e) => e.type)).toEqual(['A', 'B', 'C']);
    });

    it('lets exactly one of many concurrent writers with the same expected revision win', async () => {
      const s = stream('race');
      await store().appendToStream(s, [newEvent('Start')], { expectedRevision: 'no_stream' });
      const results = await Promise.allSettled(
        Array.from({ length: 10 }, (_, i) => store().appendToStream(s, [newEvent('Attempt', { i })], { expectedRevision: 0n })),
      );
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      for (const r of results) if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(ConcurrencyError);
      expect(await store().readStream(s)).toHaveLength(2);
    });
  });

  describe('idempotent appends', () => {
    it('returns the original result for a retried append and writes nothing, whatever the expected revision', async () => {
      const s = stream('retry');
      const batch = [newEvent('A', { x: 1 }), newEvent('B', { x: 2 })];
      const first = await store().appendToStream(s, batch, { expectedRevision: 'no_stream' });
      expect(await store().appendToStream(s, batch, { expectedRevision: 'no_stream' })).toEqual(first);
      expect(await store().appendToStream(s, batch)).toEqual(first);
      expect(ids(await store().readStream(s))).toEqual(ids(batch));
    });

    it('refuses a different event that reuses an id, in the same or another stream', async () => {
      const s = stream('reuse');
      const original = newEvent('A', { x: 1 });
      await store().appendToStream(s, [original]);
      const changed = { ...original, data: { x: 2 } };
      if (capabilities.rejectsEventIdReuse) {
        await expect(store().appendToStream(s, [changed])).rejects.toBeInstanceOf(EventIdReusedError);
        await expect(store().appendToStream(stream('other'), [original])).rejects.toBeInstanceOf(EventIdReusedError);
      } else {
        await store().appendToStream(s, [changed]);
      }
      // Either way the original event stands, unchanged and alone.
      expect((await store().readStream(s)).map((e) => e.data)).toEqual([{ x: 1 }]);
    });
  });

  describe('reading', () => {
    it('reads a stream forwards and backwards from a revision, bounded by maxCount; a missing stream is empty', async () => {
      const s = stream('read');
      await store().appendToStream(
        s,
        [0, 1, 2, 3, 4].map((n) => newEvent('N', { n })),
      );
      const revisions = async (options: Parameters<ReturnType<typeof store>['readStream']>[1]) =>
        (await store().readStream(s, options)).map((e) => e.revision);
      expect(await revisions({ from: 2n })).toEqual([2n, 3n, 4n]);
      expect(await revisions({ from: 1n, maxCount: 2 })).toEqual([1n, 2n]);
      expect(await revisions({ direction: 'backwards' })).toEqual([4n, 3n, 2n, 1n, 0n]);
      expect(await revisions({ direction: 'backwards', from: 2n, maxCount: 2 })).toEqual([2n, 1n]);
      expect(await revisions({ from: 9n })).toEqual([]);
      expect(await store().readStream(stream('missing'))).toEqual([]);
    });

    it('reads the global log in one total order, from a position (exclusive), both ways, filtered on the server', async () => {
      const a = stream('all-a');
      const b = stream('all-b');
      await store().appendToStream(a, [newEvent('X', { i: 0 }), newEvent('Y', { i: 1 })]);
      await store().appendToStream(b, [newEvent('X', { i: 2 })]);
      await store().appendToStream(a, [newEvent('Z', { i: 3 })]);
      const mine = await store().readAll({ filter: { streamPrefixes: [a, b] } });
      expect(mine.map((e) => e.data)).toEqual([{ i: 0 }, { i: 1 }, { i: 2 }, { i: 3 }]);
      for (let i = 1; i < mine.length; i++) expect(comparePositions(at(mine, i - 1).position, at(mine, i).position)).toBe(-1);
      const after = await store().readAll({ from: at(mine, 1).position, filter: { streamPrefixes: [prefix] }, maxCount: 2 });
      expect(after.map((e) => e.data)).toEqual([{ i: 2 }, { i: 3 }]);
      const backwards = await store().readAll({ direction: 'backwards', from: at(mine, 3).position, filter: { streamPrefixes: [a, b] } });
      expect(backwards.map((e) => e.data)).toEqual([{ i: 2 }, { i: 1 }, { i: 0 }]);
      const xs = await store().readAll({ filter: { streamPrefixes: [a, b], eventTypes: ['X'] } });
      expect(xs.map((e) => e.data)).toEqual([{ i: 0 }, { i: 2 }]);
      const head = await store().headPosition();
      expect(head !== undefined && comparePositions(head, at(mine, 3).position) >= 0).toBe(true);
    });

    it('gives positions that survive serialisation and still order the same', async () => {
      const s = stream('pos');
      const first = await store().appendToStream(s, [newEvent('A')]);
      const second = await store().appendToStream(s, [newEvent('B')]);
      const restored = parsePosition(JSON.parse(JSON.stringify(String(first.position))) as string);
      expect(restored).toBe(first.position);
      expect(comparePositions(restored, second.position)).toBe(-1);
      expect(() => parsePosition('not-a-position')).toThrow(/position/);
    });

    it('round-trips every metadata field and records when it stored the event', async () => {
      const s = stream('meta');
      const before = Date.now();
      const event = newEvent(
        'OrderPlaced',
        { lines: [{ sku: 'SKU-1', qty: 2 }], total: { amount: 1999, currency: 'EUR' }, note: 'ünïcødé ✓' },
        {
          correlationId: 'corr-1',
          causationId: 'cause-1',
          traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
          actor: 'customer:c-1',
          schemaVersion: 2,
          occurredAt: '2026-11-21T10:11:12.131Z',
        },
      );
      await store().appendToStream(s, [event]);
      const [read] = await store().readStream(s);
      expect(read?.data).toEqual(event.data);
      expect(read?.metadata).toEqual(event.metadata);
      expect(read?.recordedAt).toBeInstanceOf(Date);
      expect(Math.abs((read?.recordedAt.getTime() ?? 0) - before)).toBeLessThan(60_000);
    });
  });
}
