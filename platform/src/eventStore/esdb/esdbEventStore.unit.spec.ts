import { EventStoreDBClient } from '@eventstore/db-client';
import { describe, expect, it } from 'vitest';
import { EventStoreValidationError } from '../errors.js';
import type { NewEvent, SubscriptionItem } from '../types.js';
import { createEsdbEventStore } from './esdbEventStore.js';
import { isTransientError } from './mapping.js';

// Nothing listens here: these tests cover what the store must do without reaching a server.
const unreachable = 'esdb://127.0.0.1:1?tls=false';

const event = (data: unknown): NewEvent =>
  ({
    type: 'OrderPlaced',
    data,
    metadata: { eventId: '3f2504e0-4f89-11d3-9a0c-0305e82c3301', schemaVersion: 1, occurredAt: '2026-11-21T10:00:00Z' },
  }) as unknown as NewEvent; // bad data on purpose: the store must refuse it at run time

describe('the EventStoreDB store without a server', () => {
  it('refuses bad input before touching the connection', async () => {
    const store = createEsdbEventStore(unreachable);
    try {
      await expect(store.appendToStream('$system', [event({})])).rejects.toMatchObject({ field: 'streamId' });
      await expect(store.appendToStream('order-1', [event(Number.NaN)])).rejects.toBeInstanceOf(EventStoreValidationError);
      await expect(store.appendToStream('order-1', [event(42)])).rejects.toMatchObject({ field: 'events[0].data' });
      await expect(store.readAll({ from: 'nope' as never })).rejects.toBeInstanceOf(EventStoreValidationError);
      expect(() => store.subscribeToAll({ from: 'start', checkpointInterval: 0 })).toThrow(EventStoreValidationError);
    } finally {
      await store.close();
    }
  });

  it('gets a failure it retries from the real client when the server is unreachable', async () => {
    const client = EventStoreDBClient.connectionString(unreachable);
    try {
      const subscription = client.subscribeToAll();
      const error = await new Promise<unknown>((resolve) => subscription.once('error', resolve));
      expect(isTransientError(error)).toBe(true);
    } finally {
      await client.dispose();
    }
  });

  it('survives an unreachable server without failing, and ends cleanly when aborted', async () => {
    const store = createEsdbEventStore(unreachable, { backoff: { initialMs: 10, maxMs: 20 } });
    const controller = new AbortController();
    const items: SubscriptionItem[] = [];
    setTimeout(() => {
      controller.abort();
    }, 500);
    try {
      for await (const item of store.subscribeToAll({ from: 'start', signal: controller.signal })) items.push(item);
    } finally {
      await store.close();
    }
    expect(items).toEqual([]);
    expect(controller.signal.aborted).toBe(true);
  });

  it('ends its subscriptions when closed', async () => {
    const store = createEsdbEventStore(unreachable, { backoff: { initialMs: 10, maxMs: 20 } });
    const iterator = store.subscribeToAll({ from: 'start' })[Symbol.asyncIterator]();
    const next = iterator.next();
    setTimeout(() => void store.close(), 100);
    expect(await next).toEqual({ done: true, value: undefined });
  });
});
