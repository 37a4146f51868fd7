import { describe, expect, it } from 'vitest';
import { comparePositions } from '../position.js';
import type { Position, SubscriptionItem } from '../types.js';
import { at, collect, eventsOf, ids, newEvent, type ContractContext } from './context.js';

export function describeSubscriptions({ store, stream }: ContractContext): void {
  describe('subscribeToAll', () => {
    it('catches up, then delivers live events, and ends when aborted', async () => {
      const s = stream('sub');
      const old = [newEvent('A'), newEvent('B'), newEvent('C')];
      await store().appendToStream(s, old);
      const live = [newEvent('D'), newEvent('E')];
      let seen = 0;
      const items = await collect(
        (signal) => store().subscribeToAll({ from: 'start', filter: { streamPrefixes: [s] }, signal }),
        (got) => eventsOf(got).length >= 5,
        {
          // Caught up on the three old events: now write while the subscription is live.
          onItem: async (item) => {
            if (item.kind === 'event' && ++seen === old.length) await store().appendToStream(s, live);
          },
        },
      );
      expect(ids(eventsOf(items))).toEqual(ids([...old, ...live]));
    });

    it('continues after a position, and from the end sees only what comes later', async () => {
      const s = stream('from');
      const first = [newEvent('A'), newEvent('B')];
      const { position } = await store().appendToStream(s, first.slice(0, 1));
      await store().appendToStream(s, first.slice(1));
      const after = await collect(
        (signal) => store().subscribeToAll({ from: position, filter: { streamPrefixes: [s] }, signal }),
        (got) => eventsOf(got).length >= 1,
      );
      expect(ids(eventsOf(after))).toEqual(ids(first.slice(1)));

      const later = newEvent('Later');
      let appended = false;
      const fromEnd = await collect(
        (signal) => store().subscribeToAll({ from: 'end', filter: { streamPrefixes: [s] }, signal }),
        (got) => eventsOf(got).length >= 1,
        {
          onItem: async (item) => {
            if (!appended && item.kind === 'checkpoint') {
              appended = true;
              await store().appendToStream(s, [later]);
            }
          },
        },
      );
      expect(ids(eventsOf(fromEnd))).toEqual(ids([later]));
    });

    it('reports checkpoints past events its filter skips, so a sparse subscriber records progress', async () => {
      const s = stream('sparse');
      const nothing = `NeverWritten${Date.now()}`;
      const { position } = await store().appendToStream(
        s,
        Array.from({ length: 50 }, (_, i) => newEvent('Noise', { i })),
      );
      const items = await collect(
        (signal) => store().subscribeToAll({ from: 'start', filter: { eventTypes: [nothing] }, checkpointInterval: 1, signal }),
        (got) => got.some((i) => i.kind === 'checkpoint' && comparePositions(i.position, position) >= 0),
        { timeoutMs: 20_000 },
      );
      expect(eventsOf(items)).toEqual([]);
      const last = at(items, items.length - 1);
      expect(last.kind === 'checkpoint' && comparePositions(last.position, position) >= 0).toBe(true);
    });

    it('resumes from a checkpoint without repeating or skipping an event', async () => {
      const s = stream('resume');
      const before = [newEvent('A'), newEvent('B')];
      await store().appendToStream(s, before);
      let checkpoint: Position | undefined;
      const first = await collect(
        (signal) => store().subscribeToAll({ from: 'start', filter: { streamPrefixes: [s] }, checkpointInterval: 1, signal }),
        (got) => {
          const cp = got.find((i): i is Extract<SubscriptionItem, { kind: 'checkpoint' }> => i.kind === 'checkpoint');
          checkpoint = cp?.position;
          return checkpoint !== undefined && eventsOf(got).length >= 2;
        },
      );
      expect(ids(eventsOf(first))).toEqual(ids(before));
      if (checkpoint === undefined) throw new Error('no checkpoint');
      const after = [newEvent('C'), newEvent('D')];
      await store().appendToStream(s, after);
      const resumed = await collect(
        (signal) => store().subscribeToAll({ from: checkpoint ?? 'start', filter: { streamPrefixes: [s] }, signal }),
        (got) => eventsOf(got).length >= 2,
      );
      expect(ids(eventsOf(resumed))).toEqual(ids(after));
    });
  });
}
