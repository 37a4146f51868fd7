import { randomBytes, randomUUID } from 'node:crypto';
import type { EventMetadata, EventStore, JsonObject, NewEvent, RecordedEvent, SubscriptionItem } from '../types.js';

/** What each part of the contract suite gets: the store under test and names no other suite uses. */
/** What a backend cannot promise, stated once so the suite asserts the weaker guarantee instead. */
export interface EventStoreCapabilities {
  /**
   * A different event reusing an id is refused. EventStoreDB dedupes on ids alone: a changed event at the same
   * place returns the original result and writes nothing, and the same id in another stream is written again.
   */
  readonly rejectsEventIdReuse: boolean;
}

export interface ContractContext {
  readonly store: () => EventStore;
  readonly capabilities: EventStoreCapabilities;
  /** Unique to this run of the suite; every stream it writes starts with it. */
  readonly prefix: string;
  /** A fresh stream name under the prefix. */
  readonly stream: (name: string) => string;
}

export function createContext(store: () => EventStore, capabilities: EventStoreCapabilities): ContractContext {
  const prefix = `contract${randomBytes(4).toString('hex')}-`;
  return { store, capabilities, prefix, stream: (name) => `${prefix}${name}-${randomBytes(3).toString('hex')}` };
}

export function newEvent(type: string, data: JsonObject = {}, metadata: Partial<EventMetadata> = {}): NewEvent {
  return {
    type,
    data,
    metadata: { eventId: randomUUID(), schemaVersion: 1, occurredAt: '2026-11-21T10:00:00.000Z', ...metadata },
  };
}

export function ids(events: readonly { metadata: EventMetadata }[]): string[] {
  return events.map((e) => e.metadata.eventId);
}

/** Collects subscription items until `until` says stop (or the time runs out), then aborts the subscription. */
export async function collect(
  iterable: (signal: AbortSignal) => AsyncIterable<SubscriptionItem>,
  until: (items: readonly SubscriptionItem[]) => boolean,
  { timeoutMs = 10_000, onItem }: { timeoutMs?: number; onItem?: (item: SubscriptionItem) => Promise<void> } = {},
): Promise<SubscriptionItem[]> {
  const controller = new AbortController();
  const timer = setTimeout(() => {
    controller.abort();
  }, timeoutMs);
  const items: SubscriptionItem[] = [];
  try {
    for await (const item of iterable(controller.signal)) {
      items.push(item);
      await onItem?.(item);
      if (until(items)) break;
    }
  } finally {
    clearTimeout(timer);
    controller.abort();
  }
  return items;
}

export function eventsOf(items: readonly SubscriptionItem[]): RecordedEvent[] {
  return items.flatMap((i) => (i.kind === 'event' ? [i.event] : []));
}

/** `items[i]`, failing the test when it is missing (instead of a non-null assertion). */
export function at<T>(items: readonly T[], i: number): T {
  const item = items[i];
  if (item === undefined) throw new Error(`expected an item at ${i}, have ${items.length}`);
  return item;
}
