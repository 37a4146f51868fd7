import { afterAll, beforeAll, describe } from 'vitest';
import { describeAppendAndRead } from './contract/appendAndRead.js';
import { createContext, type EventStoreCapabilities } from './contract/context.js';
import { describeDeletionAndValidation } from './contract/deletionAndValidation.js';
import { describeSubscriptions } from './contract/subscriptions.js';
import type { EventStore } from './types.js';

/**
 * The event store contract (DESIGN.md §5), one suite for every backend. Call it inside a `describeWith` body so
 * the backend's server is resolved and isolated; it writes only streams under a prefix of its own, so it can run
 * against a shared server.
 */
export function describeEventStore(
  factory: () => Promise<EventStore>,
  capabilities: EventStoreCapabilities = { rejectsEventIdReuse: true },
): void {
  describe('event store contract', () => {
    let store: EventStore | undefined;
    beforeAll(async () => {
      store = await factory();
    });
    afterAll(async () => {
      await store?.close();
    });
    const context = createContext(() => {
      if (store === undefined) throw new Error('store used before beforeAll');
      return store;
    }, capabilities);
    describeAppendAndRead(context);
    describeSubscriptions(context);
    describeDeletionAndValidation(context);
  });
}
