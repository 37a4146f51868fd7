import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeWith } from '../../testing/describeWith.js';
import { newEvent } from '../contract/context.js';
import { ConcurrencyError, EventIdReusedError, EventStoreValidationError, StreamDeletedError } from '../errors.js';
import { decodePosition } from '../position.js';
import type { AppendResult, EventStore } from '../types.js';
import { createPostgresEventStore } from './postgresEventStore.js';

/** The transaction id of a position: appends that shared a group commit share it. */
const transactionOf = (result: AppendResult) => decodePosition(result.position).major;

describeWith('postgres', 'PostgreSQL event store group commit', (use) => {
  let store: EventStore;
  beforeAll(async () => {
    store = await createPostgresEventStore({ connectionString: use().url });
  });
  afterAll(async () => {
    await store.close();
  });
  const stream = (name: string) => `group-${name}-${randomUUID()}`;
  const settle = <T>(promises: Promise<T>[]) => Promise.allSettled(promises);
  const value = <T>(result: PromiseSettledResult<T>): T => {
    if (result.status === 'rejected') throw result.reason;
    return result.value;
  };
  const reason = (result: PromiseSettledResult<unknown> | undefined): unknown => (result?.status === 'rejected' ? result.reason : result);

  it('commits concurrent appends to many streams together, and a conflict in one fails only that one', async () => {
    const stale = stream('stale');
    await store.appendToStream(stale, [newEvent('A')], { expectedRevision: 'no_stream' });
    const fresh = Array.from({ length: 10 }, (_, i) => stream(`fresh${i}`));
    const results = await settle([
      ...fresh.map((s) => store.appendToStream(s, [newEvent('Created')], { expectedRevision: 'no_stream' })),
      store.appendToStream(stale, [newEvent('B')], { expectedRevision: 5n }),
    ]);
    const written = results.slice(0, fresh.length).map(value);
    expect(new Set(written.map(transactionOf)).size).toBe(1);
    expect(written.map((r) => r.nextExpectedRevision)).toEqual(fresh.map(() => 0n));
    expect(reason(results.at(-1))).toBeInstanceOf(ConcurrencyError);
    expect(reason(results.at(-1))).toMatchObject({ streamId: stale, expected: 5n, actual: 0n });
    for (const s of fresh) expect((await store.readStream(s)).map((e) => e.type)).toEqual(['Created']);
    expect((await store.readStream(stale)).map((e) => e.type)).toEqual(['A']);
  });

  it('answers a retried append inside a group with its original result, and orders two appends to one stream', async () => {
    const retried = stream('retried');
    const batch = [newEvent('A', { x: 1 }), newEvent('B', { x: 2 })];
    const original = await store.appendToStream(retried, batch, { expectedRevision: 'no_stream' });
    const others = [stream('o1'), stream('o2')];
    const [again, ...rest] = (
      await settle([
        store.appendToStream(retried, batch, { expectedRevision: 'no_stream' }),
        ...others.map((s) => store.appendToStream(s, [newEvent('C')])),
      ])
    ).map(value);
    expect(again).toEqual(original);
    expect(rest.map((r) => r.nextExpectedRevision)).toEqual([0n, 0n]);
    expect((await store.readStream(retried)).map((e) => e.metadata.eventId)).toEqual(batch.map((e) => e.metadata.eventId));

    // The same new append twice at once: the second cannot share the first's group; it is answered as a retry.
    const twice = stream('twice');
    const event = newEvent('Once');
    const [first, second] = (
      await settle([store.appendToStream(twice, [event], { expectedRevision: 'no_stream' }), store.appendToStream(twice, [event])])
    ).map(value);
    expect(second).toEqual(first);
    expect(await store.readStream(twice)).toHaveLength(1);
  });

  it('isolates validation errors, tombstones and reused ids to their own append', async () => {
    const tombstoned = stream('tomb');
    await store.appendToStream(tombstoned, [newEvent('A')]);
    await store.deleteStream(tombstoned, { mode: 'tombstone' });
    const used = newEvent('Used', { x: 1 });
    await store.appendToStream(stream('owner'), [used]);
    const good = [stream('g1'), stream('g2'), stream('g3')];
    const invalid = stream('invalid');
    const thief = stream('thief');
    const results = await settle([
      store.appendToStream(good[0] ?? '', [newEvent('Ok')]),
      store.appendToStream(invalid, [newEvent('Bad', { n: Number.NaN })]),
      store.appendToStream(good[1] ?? '', [newEvent('Ok')]),
      store.appendToStream(tombstoned, [newEvent('B')]),
      store.appendToStream(thief, [newEvent('Mine'), { ...used, data: { x: 2 } }]),
      store.appendToStream(good[2] ?? '', [newEvent('Ok')]),
    ]);
    expect(reason(results[1])).toBeInstanceOf(EventStoreValidationError);
    expect(reason(results[3])).toBeInstanceOf(StreamDeletedError);
    expect(reason(results[4])).toBeInstanceOf(EventIdReusedError);
    const written = [results[0], results[2], results[5]].map((r) => value(r as PromiseSettledResult<AppendResult>));
    expect(new Set(written.map(transactionOf)).size).toBe(1);
    for (const s of good) expect((await store.readStream(s)).map((e) => e.type)).toEqual(['Ok']);
    expect(await store.readStream(invalid)).toEqual([]);
    expect(await store.readStream(thief)).toEqual([]);
  });

  it('when a group fails as a whole (one new event id sent to two streams at once), retries each append alone', async () => {
    const shared = newEvent('Shared');
    const [a, b, bystander] = [stream('a'), stream('b'), stream('bystander')];
    const results = await settle([
      store.appendToStream(a, [shared]),
      store.appendToStream(b, [shared]),
      store.appendToStream(bystander, [newEvent('Fine')]),
    ]);
    const outcomes = results.slice(0, 2).map((r) => (r.status === 'fulfilled' ? 'written' : (r.reason as unknown)));
    expect(outcomes.filter((o) => o === 'written')).toHaveLength(1);
    expect(outcomes.find((o) => o !== 'written')).toBeInstanceOf(EventIdReusedError);
    expect(value(results[2] as PromiseSettledResult<AppendResult>).nextExpectedRevision).toBe(0n);
    expect((await store.readStream(a)).length + (await store.readStream(b)).length).toBe(1);
    expect(await store.readStream(bystander)).toHaveLength(1);
  });

  it('with two groups in flight, shares the waiting appends between them and keeps the appends to one stream in call order', async () => {
    const pipelined = await createPostgresEventStore({ connectionString: use().url, groupCommit: { maxInFlight: 2 } });
    try {
      const streams = Array.from({ length: 10 }, (_, i) => stream(`pipelined${i}`));
      const written = (await settle(streams.map((s) => pipelined.appendToStream(s, [newEvent('A')])))).map(value);
      expect(new Set(written.map(transactionOf)).size).toBe(2);

      const one = stream('one');
      const types = Array.from({ length: 12 }, (_, i) => `E${i}`);
      const results = (
        await settle([
          ...types.map((type) => pipelined.appendToStream(one, [newEvent(type)])),
          ...streams.map((s) => pipelined.appendToStream(s, [newEvent('B')])),
        ])
      ).map(value);
      expect(results.slice(0, types.length).map((r) => r.nextExpectedRevision)).toEqual(types.map((_, i) => BigInt(i)));
      expect((await pipelined.readStream(one)).map((e) => e.type)).toEqual(types);
    } finally {
      await pipelined.close();
    }
  });

  it('keeps each stream gap-free and every expectation honoured when stores with pools of their own race on it', async () => {
    // Three stores, three pools: their groups meet only in PostgreSQL, where a stream row moves under one writer at a
    // time and the next re-checks its expectation against the moved row.
    const writers = [store, ...(await Promise.all([1, 2].map(() => createPostgresEventStore({ connectionString: use().url }))))];
    try {
      const streams = Array.from({ length: 6 }, (_, i) => stream(`race${i}`));
      const attempts = writers.flatMap((writer, w) =>
        Array.from({ length: 8 }, async (_, round) => {
          const results: AppendResult[] = [];
          for (const [i, s] of streams.entries()) {
            const kind = (w + round + i) % 4;
            const last = (await writer.readStream(s, { direction: 'backwards', maxCount: 1 })).at(0);
            const expectedRevision =
              kind === 0 ? 'any' : kind === 1 ? 'no_stream' : kind === 2 ? 'stream_exists' : (last?.revision ?? 'no_stream');
            const appended = await writer.appendToStream(s, [newEvent(`W${w}`, { round })], { expectedRevision }).catch((err: unknown) => {
              if (!(err instanceof ConcurrencyError)) throw err;
            });
            if (appended) {
              results.push(appended);
              // What the expectation promised: the event landed right after the revision named, or first, or not first.
              if (typeof expectedRevision === 'bigint') expect(appended.nextExpectedRevision).toBe(expectedRevision + 1n);
              if (expectedRevision === 'no_stream') expect(appended.nextExpectedRevision).toBe(0n);
              if (expectedRevision === 'stream_exists') expect(appended.nextExpectedRevision).toBeGreaterThan(0n);
            }
          }
          return results;
        }),
      );
      const written = (await Promise.all(attempts)).flat();
      expect(written.length).toBeGreaterThan(streams.length);
      for (const s of streams) {
        const events = await store.readStream(s);
        expect(events.map((e) => e.revision)).toEqual(events.map((_, i) => BigInt(i)));
      }
      const total = (await Promise.all(streams.map((s) => store.readStream(s)))).reduce((n, events) => n + events.length, 0);
      expect(total).toBe(written.length);
    } finally {
      await Promise.all(writers.slice(1).map((writer) => writer.close()));
    }
  });

  it('locks stream rows in stream order, so two stores writing the same streams in opposite orders and with different expectations never deadlock', async () => {
    const other = await createPostgresEventStore({ connectionString: use().url });
    const admin = new pg.Client({ connectionString: use().url });
    await admin.connect();
    const deadlocks = async () => {
      const { rows } = await admin.query<{ n: string }>(
        'select deadlocks::text as n from pg_stat_database where datname = current_database()',
      );
      return Number(rows[0]?.n);
    };
    // Statistics reach pg_stat_database when a backend flushes them (at most a second after its transaction): let
    // the earlier tests' arrive first.
    const settled = async () => {
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      await admin.query('select pg_stat_clear_snapshot()');
      return deadlocks();
    };
    try {
      const before = await settled();
      const names = Array.from({ length: 8 }, (_, i) => stream(`crossed${i}`));
      await Promise.all(names.map((s) => store.appendToStream(s, [newEvent('Start')], { expectedRevision: 'no_stream' })));
      for (let round = 0; round < 40; round += 1) {
        // Each store's appends of one turn travel as one group: one in name order, the other reversed, and each
        // stream written with 'any' by one store and 'stream_exists' by the other.
        const writes = (writer: EventStore, order: string[], anyOn: number) =>
          order.map((s) =>
            writer.appendToStream(s, [newEvent('Crossed', { round })], {
              expectedRevision: names.indexOf(s) % 2 === anyOn ? 'any' : 'stream_exists',
            }),
          );
        await Promise.all([...writes(store, names, 0), ...writes(other, [...names].reverse(), 1)]);
      }
      for (const s of names) expect(await store.readStream(s)).toHaveLength(81);
      expect(await settled()).toBe(before);
    } finally {
      await admin.end();
      await other.close();
    }
  });
});
