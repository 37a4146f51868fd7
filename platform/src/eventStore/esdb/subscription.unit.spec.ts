import { randomUUID } from 'node:crypto';
import { PassThrough } from 'node:stream';
import {
  AccessDeniedError,
  UnavailableError,
  type AllStreamResolvedEvent,
  type Position as EsdbPosition,
  type ReadPosition,
} from '@eventstore/db-client';
import { describe, expect, it } from 'vitest';
import type { Position, SubscriptionItem } from '../types.js';
import { isTransientError, toEsdbEvent, toEsdbPosition, toPosition, toRecordedEvent } from './mapping.js';
import { backoffDelay, resilientSubscription, type SubscriptionDeps } from './subscription.js';

type Step = (source: PassThrough, checkpoint: (at: number) => void) => void;

function resolved(at: number, type = 'Tick'): AllStreamResolvedEvent {
  const proposed = toEsdbEvent(
    { type, data: { at }, metadata: { eventId: randomUUID(), schemaVersion: 1, occurredAt: '2026-11-21T10:00:00Z' } },
    'e',
  );
  if (proposed.contentType !== 'application/json') throw new Error('expected JSON');
  const position: EsdbPosition = { commit: BigInt(at), prepare: BigInt(at) };
  const { id, data, metadata } = proposed;
  return { event: { streamId: 's-1', id, isJson: true, revision: BigInt(at), type, created: new Date(0), data, metadata, position } };
}

const pos = (at: number): Position => toPosition({ commit: BigInt(at), prepare: BigInt(at) });

/**
 * A stand-in for the client's subscribeToAll that plays one scripted connection per call, so the resubscription
 * logic can be exercised without a server. `opened` records where each connection started.
 */
function scripted(steps: Step[], overrides: Partial<SubscriptionDeps> = {}) {
  const opened: ReadPosition[] = [];
  let unsubscribed = 0;
  const deps: SubscriptionDeps = {
    open: (from, onCheckpoint) => {
      opened.push(from);
      const source = Object.assign(new PassThrough({ objectMode: true }), {
        unsubscribe: () => {
          unsubscribed += 1;
          return Promise.resolve();
        },
      });
      const step = steps.shift() ?? (() => undefined);
      setImmediate(() => {
        step(source, (at) => {
          onCheckpoint(source, { commit: BigInt(at), prepare: BigInt(at) });
        });
      });
      return source;
    },
    head: () => Promise.resolve(undefined),
    toEvent: (event) => (event.type === 'Noise' ? undefined : toRecordedEvent(event)),
    isTransient: isTransientError,
    backoff: { initialMs: 1, maxMs: 2 },
    ...overrides,
  };
  return { deps, opened, unsubscribed: () => unsubscribed };
}

function describeItem(item: SubscriptionItem): string {
  return item.kind === 'checkpoint' ? `cp@${toEsdbPosition(item.position).commit}` : `e@${JSON.stringify(item.event.data)}`;
}

async function collect(iterable: AsyncIterable<SubscriptionItem>, count: number, controller = new AbortController()): Promise<string[]> {
  const out: string[] = [];
  for await (const item of iterable) {
    out.push(describeItem(item));
    if (out.length >= count) break;
  }
  controller.abort();
  return out;
}

describe('resilientSubscription', () => {
  it('resubscribes after a dropped connection from the last position it passed, neither repeating nor skipping', async () => {
    // Given a connection that delivers two events and a checkpoint, then drops
    const { deps, opened } = scripted([
      (s, checkpoint) => {
        s.write(resolved(10));
        s.write(resolved(20));
        checkpoint(25);
        s.emit('error', new UnavailableError());
      },
      // and a second one that replays from a little earlier, as a server may
      (s) => {
        s.write(resolved(20));
        s.write(resolved(30));
      },
    ]);
    // When the subscriber reads on
    const items = await collect(resilientSubscription(deps, { from: 'start' }), 4);
    // Then it sees every position once, in order, and the second connection started after the checkpoint
    expect(items).toEqual(['e@{"at":10}', 'e@{"at":20}', 'cp@25', 'e@{"at":30}']);
    expect(opened).toEqual(['start', { commit: 25n, prepare: 25n }]);
  });

  it('starts after a given position, and skips stale checkpoints', async () => {
    const { deps, opened } = scripted([
      (s, checkpoint) => {
        checkpoint(40);
        s.write(resolved(50));
        checkpoint(50);
        checkpoint(60);
      },
    ]);
    const items = await collect(resilientSubscription(deps, { from: pos(40) }), 2);
    expect(items).toEqual(['e@{"at":50}', 'cp@60']);
    expect(opened).toEqual([{ commit: 40n, prepare: 40n }]);
  });

  it('resolves `end` to the head of the log and reports it as a checkpoint at once', async () => {
    const { deps, opened } = scripted([(s) => s.write(resolved(80))], { head: () => Promise.resolve(pos(70)) });
    const items = await collect(resilientSubscription(deps, { from: 'end' }), 2);
    expect(items).toEqual(['cp@70', 'e@{"at":80}']);
    expect(opened).toEqual([{ commit: 70n, prepare: 70n }]);
  });

  it('passes events the client-side filter drops, resuming after them', async () => {
    const { deps, opened } = scripted([
      (s) => {
        s.write(resolved(10, 'Noise'));
        s.end();
      },
      (s) => s.write(resolved(20)),
    ]);
    expect(await collect(resilientSubscription(deps, { from: 'start' }), 1)).toEqual(['e@{"at":20}']);
    expect(opened).toEqual(['start', { commit: 10n, prepare: 10n }]);
  });

  it('gives up on a failure that retrying cannot fix', async () => {
    const { deps, opened } = scripted([(s) => s.emit('error', new AccessDeniedError())]);
    await expect(collect(resilientSubscription(deps, { from: 'start' }), 1)).rejects.toBeInstanceOf(AccessDeniedError);
    expect(opened).toHaveLength(1);
  });

  it('ends cleanly when aborted, and lets go of the server subscription', async () => {
    const controller = new AbortController();
    const { deps, unsubscribed } = scripted([(s) => s.write(resolved(1))]);
    const iterator = resilientSubscription(deps, { from: 'start', signal: controller.signal });
    expect((await iterator.next()).value).toMatchObject({ kind: 'event' });
    const pending = iterator.next();
    controller.abort();
    expect(await pending).toEqual({ done: true, value: undefined });
    expect(unsubscribed()).toBe(1);
  });
});

describe('backoffDelay', () => {
  const settings = { initialMs: 100, maxMs: 1000 };

  it('grows exponentially with jitter in the upper half of each step', () => {
    expect([0, 1, 2].map((n) => [backoffDelay(n, settings, () => 0), backoffDelay(n, settings, () => 1)])).toEqual([
      [50, 100],
      [100, 200],
      [200, 400],
    ]);
  });

  it('never exceeds the cap, however many failures', () => {
    expect(backoffDelay(10, settings, () => 1)).toBe(1000);
    expect(backoffDelay(10_000, settings, () => 0.5)).toBe(750);
  });
});
