import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { createEventStore, HttpProblem, type EventStore, type RecordedEvent } from '@orderflow/platform';
import { describeWith } from '@orderflow/platform/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { deterministicUuid, foldStream, handleCommand, type DeciderLike } from './handleCommand.js';

// A tiny capped counter as the decider under test: the handler's behaviour, not a domain's, is what is checked.
type Event = { type: 'Incremented'; data: { by: number } };
type Command = { type: 'Increment'; by: number; cap: number };
const counter: DeciderLike<number, Command, Event> = {
  initialState: () => 0,
  evolve: (state, event) => state + event.data.by,
  decide: (command, state) => (state + command.by > command.cap ? [] : [{ type: 'Incremented', data: { by: command.by } }]),
};
const options = {
  parse: (e: RecordedEvent) => ({ type: 'Incremented', data: { by: Number(e.data.by) } }) as Event,
  schemaVersionOf: () => 1,
};
const context = () => ({ commandId: randomUUID(), actor: 'test:handler', now: '2026-11-21T12:00:00.000Z' });

describeWith('postgres', 'handleCommand', (use) => {
  let store: EventStore;
  beforeAll(async () => {
    store = await createEventStore({ databaseUrl: use().url });
  });
  afterAll(async () => {
    await store.close();
  });

  it('re-decides on conflict: 20 concurrent commands from four "processes" on one stream all land', async () => {
    const stream = `counter-${randomUUID()}`;
    // Separate store instances stand for separate processes: within one, commands on a stream are queued.
    const others = await Promise.all([1, 2, 3].map(() => createEventStore({ databaseUrl: use().url })));
    const stores = [store, ...others];
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        handleCommand(stores[i % stores.length] ?? store, stream, counter, { type: 'Increment', by: 1, cap: 100 }, context(), options),
      ),
    );
    await Promise.all(others.map((s) => s.close()));
    expect(results.every((r) => r.events.length === 1)).toBe(true);
    expect(Math.max(...results.map((r) => r.attempts))).toBeGreaterThan(1);
    const events = await store.readStream(stream);
    expect(events).toHaveLength(20);
    expect(events.at(-1)?.metadata).toMatchObject({ actor: 'test:handler', occurredAt: '2026-11-21T12:00:00.000Z', schemaVersion: 1 });
  });

  it('re-decides against the new state, so a cap holds under contention', async () => {
    const stream = `counter-${randomUUID()}`;
    await Promise.all(
      Array.from({ length: 15 }, () => handleCommand(store, stream, counter, { type: 'Increment', by: 1, cap: 10 }, context(), options)),
    );
    expect(await store.readStream(stream)).toHaveLength(10);
  });

  it('decides on its cached fold without a read, yet never against a state another process has moved on from', async () => {
    const stream = `counter-${randomUUID()}`;
    const other = await createEventStore({ databaseUrl: use().url });
    const increment = (on: EventStore, by: number, cap: number) =>
      handleCommand(on, stream, counter, { type: 'Increment', by, cap }, context(), options);
    await increment(store, 4, 10); // cached here at 4
    await increment(other, 5, 10); // the stream is at 9; this process's cache still says 4
    // The cached fold would allow +1 up to 5 ≤ 10 and +5 up to 9; the stream allows neither beyond 10.
    const plusFive = await increment(store, 5, 10);
    expect(plusFive.events).toHaveLength(0);
    const plusOne = await increment(store, 1, 10);
    expect(plusOne).toMatchObject({ events: [{ data: { by: 1 } }], revision: 2n, attempts: 1 });
    await other.close();
    expect((await store.readStream(stream)).map((e) => e.data.by)).toEqual([4, 5, 1]);
  });

  it('answers If-Match with a 412 when the stream moved, without retrying', async () => {
    const stream = `counter-${randomUUID()}`;
    const first = await handleCommand(store, stream, counter, { type: 'Increment', by: 1, cap: 10 }, context(), options);
    expect(first.revision).toBe(0n);
    const ok = await handleCommand(store, stream, counter, { type: 'Increment', by: 1, cap: 10 }, context(), { ...options, ifMatch: 0n });
    expect(ok.revision).toBe(1n);
    const stale = await handleCommand(store, stream, counter, { type: 'Increment', by: 1, cap: 10 }, context(), {
      ...options,
      ifMatch: 0n,
    }).catch((e: unknown) => e);
    expect(stale).toBeInstanceOf(HttpProblem);
    expect(stale).toMatchObject({ status: 412, code: 'precondition_failed' });
  });

  it('makes a replayed command idempotent in the store through deterministic event ids', async () => {
    const stream = `counter-${randomUUID()}`;
    const ctx = context();
    const first = await handleCommand(store, stream, counter, { type: 'Increment', by: 1, cap: 10 }, ctx, options);
    const ids = (await store.readStream(stream)).map((e) => e.metadata.eventId);
    expect(ids).toEqual([deterministicUuid(`${ctx.commandId}\n${stream}\n0`)]);
    expect(deterministicUuid('x')).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(first.position).toBeDefined();
  });

  it('answers a fold this process saw within maxStalenessMs without a read, and reads once it is older', async () => {
    const stream = `counter-${randomUUID()}`;
    const other = await createEventStore({ databaseUrl: use().url });
    const fold = (maxStalenessMs: number) => foldStream(store, stream, counter, options.parse, maxStalenessMs);
    await handleCommand(store, stream, counter, { type: 'Increment', by: 4, cap: 100 }, context(), options); // seen here at 4
    await handleCommand(other, stream, counter, { type: 'Increment', by: 5, cap: 100 }, context(), options);
    expect((await fold(60_000)).state).toBe(4); // written here just now: taken as it is
    expect((await fold(0)).state).toBe(9); // the default reads the tail
    await handleCommand(other, stream, counter, { type: 'Increment', by: 1, cap: 100 }, context(), options);
    expect((await fold(60_000)).state).toBe(9); // read here just now
    await sleep(60);
    expect(await fold(50)).toMatchObject({ state: 10, revision: 2n }); // older than 50 ms: read again
    await other.close();
  });
});
