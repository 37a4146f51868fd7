import { describe, expect, it } from 'vitest';
import { ConcurrencyError, EventStoreValidationError, StreamDeletedError } from '../errors.js';
import type { JsonObject, NewEvent } from '../types.js';
import { newEvent, type ContractContext } from './context.js';

export function describeDeletionAndValidation({ store, stream }: ContractContext): void {
  describe('deleting streams', () => {
    it('soft-deletes: the stream reads as empty and can be written again, revisions continuing', async () => {
      const s = stream('soft');
      await store().appendToStream(s, [newEvent('A'), newEvent('B')]);
      await store().deleteStream(s, { expectedRevision: 1n });
      expect(await store().readStream(s)).toEqual([]);
      const again = await store().appendToStream(s, [newEvent('C')], { expectedRevision: 'any' });
      expect(again.nextExpectedRevision).toBe(2n);
      expect((await store().readStream(s)).map((e) => [e.revision, e.type])).toEqual([[2n, 'C']]);
    });

    it('tombstones: reads and appends are refused for good', async () => {
      const s = stream('tomb');
      await store().appendToStream(s, [newEvent('A')]);
      await store().deleteStream(s, { mode: 'tombstone' });
      await expect(store().appendToStream(s, [newEvent('B')])).rejects.toBeInstanceOf(StreamDeletedError);
      await expect(store().readStream(s)).rejects.toBeInstanceOf(StreamDeletedError);
    });

    it('checks the expected revision before deleting', async () => {
      const s = stream('del-stale');
      await store().appendToStream(s, [newEvent('A'), newEvent('B')]);
      await expect(store().deleteStream(s, { expectedRevision: 0n })).rejects.toBeInstanceOf(ConcurrencyError);
      expect(await store().readStream(s)).toHaveLength(2);
    });
  });

  describe('bad input is refused with a typed error and writes nothing', () => {
    const cases: [string, (s: string) => [string, NewEvent[], bigint?]][] = [
      ['an empty stream name', () => ['', [newEvent('A')]]],
      ['no events', (s) => [s, []]],
      ['an empty event type', (s) => [s, [newEvent('')]]],
      ['a bigint in data', (s) => [s, [newEvent('A', { n: 1n } as unknown as JsonObject)]]],
      ['a function in data', (s) => [s, [newEvent('A', { f: () => 1 } as unknown as JsonObject)]]],
      ['a Date in data', (s) => [s, [newEvent('A', { at: new Date() } as unknown as JsonObject)]]],
      ['NaN in data', (s) => [s, [newEvent('A', { n: Number.NaN })]]],
      ['data that is not an object', (s) => [s, [newEvent('A', [1, 2] as unknown as JsonObject)]]],
      ['a cycle in data', (s) => [s, [newEvent('A', cyclic())]]],
      ['an event over the size limit', (s) => [s, [newEvent('A', { blob: 'x'.repeat(1024 * 1024 + 1) })]]],
      ['an event id that is not a UUID', (s) => [s, [newEvent('A', {}, { eventId: 'nope' })]]],
      ['a negative expected revision', (s) => [s, [newEvent('A')], -1n]],
      ['one bad event among good ones', (s) => [s, [newEvent('A'), newEvent('B', { n: Number.POSITIVE_INFINITY })]]],
    ];
    it.each(cases)('%s', async (_, build) => {
      const s = stream('bad');
      const [streamId, events, expectedRevision] = build(s);
      const error = await store()
        .appendToStream(streamId, events, expectedRevision === undefined ? {} : { expectedRevision })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(EventStoreValidationError);
      expect((error as EventStoreValidationError).field).toMatch(/^(streamId|events|expectedRevision)/);
      expect(await store().readStream(s)).toEqual([]);
    });
  });
}

function cyclic(): JsonObject {
  const node: Record<string, unknown> = { name: 'loop' };
  node.self = node;
  return node as JsonObject;
}
