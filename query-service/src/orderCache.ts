import { counter, dropOldestBeyond } from '@orderflow/platform';
import type { OrderHistoryDocument } from '@orderflow/schemas';
import type { CheckpointWatcher } from './consistency.js';
import type { ReadModels } from './readModels.js';

export interface OrderCacheOptions {
  /** Most documents kept (oldest out first; default 20,000). */
  readonly maxEntries?: number;
  /**
   * Age after which an entry is re-read even though no checkpoint moved (default 2 s; 0 turns the cache off). The
   * stale entry still answers while that one read runs, up to twice this age.
   */
  readonly ttlMs?: number;
}

interface Entry {
  readonly order: OrderHistoryDocument | undefined;
  readonly readAt: number;
}

const lookups = counter<'outcome'>({
  name: 'orderflow_query_order_cache_lookups_total',
  help: 'Order reads served from the in-process cache (hit) or from the document store (miss)',
  labelNames: ['outcome'],
});

/**
 * `getOrder` with an in-process cache that is exactly as fresh as the order-history processor's checkpoint: every
 * checkpoint the processor writes (notified, or polled by the watcher) empties the cache, and a document read that
 * began before a checkpoint arrived is not kept. So a cached answer is the document as of the latest checkpoint
 * this process has seen: `consistentWith` waits stay correct (the wait is for that checkpoint), and a quiescent read
 * model is served from memory. The TTL bounds staleness should notifications and polls both stall (or a reset move
 * the checkpoint backwards, which the watcher does not report); an entry past it is refreshed in the background
 * (readers never queue behind a slow store for a document no checkpoint changed). Concurrent reads of one order
 * share one read.
 */
export function withOrderCache(
  readModels: ReadModels,
  watcher: CheckpointWatcher,
  processor: string,
  options: OrderCacheOptions = {},
): ReadModels & { close(): void } {
  const maxEntries = options.maxEntries ?? 20_000;
  const ttlMs = options.ttlMs ?? 2_000;
  if (ttlMs === 0) return { ...readModels, close: () => undefined };
  const entries = new Map<string, Entry>();
  const reading = new Map<string, Promise<OrderHistoryDocument | undefined>>();
  let generation = 0;
  const unsubscribe = watcher.onCheckpoint((name) => {
    if (name !== processor) return;
    generation += 1;
    entries.clear();
    reading.clear();
  });

  async function read(orderId: string): Promise<OrderHistoryDocument | undefined> {
    const started = generation;
    const readAt = performance.now();
    const order = await readModels.getOrder(orderId);
    if (generation === started) {
      entries.set(orderId, { order, readAt });
      dropOldestBeyond(entries, maxEntries);
    }
    return order;
  }

  function readOnce(orderId: string): Promise<OrderHistoryDocument | undefined> {
    let pending = reading.get(orderId);
    if (pending === undefined) {
      pending = read(orderId).finally(() => {
        if (reading.get(orderId) === pending) reading.delete(orderId);
      });
      reading.set(orderId, pending);
    }
    return pending;
  }

  return {
    ...readModels,
    getOrder(orderId) {
      const entry = entries.get(orderId);
      const age = entry === undefined ? Infinity : performance.now() - entry.readAt;
      if (entry !== undefined && age < 2 * ttlMs) {
        lookups.inc({ outcome: 'hit' });
        // Past the TTL (and no checkpoint since), answer from memory once more while one read refreshes it.
        if (age >= ttlMs) void readOnce(orderId).catch(() => undefined);
        return Promise.resolve(entry.order);
      }
      lookups.inc({ outcome: 'miss' });
      return readOnce(orderId);
    },
    close: unsubscribe,
  };
}
