import { counter } from '@orderflow/platform';
import type { OrderHistoryDocument } from '@orderflow/schemas';
import type { CheckpointWatcher } from './consistency.js';
import type { ReadModels } from './readModels.js';

export interface OrderCacheOptions {
  /** Most documents kept (oldest out first; default 20,000). */
  readonly maxEntries?: number;
  /** Longest an entry is served without a re-read, whatever the checkpoints say (default 2 s; 0 turns the cache off). */
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
 * the checkpoint backwards, which the watcher does not report). Concurrent misses of one order share one read.
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
      if (entries.size >= maxEntries) entries.delete(entries.keys().next().value ?? '');
      entries.set(orderId, { order, readAt });
    }
    return order;
  }

  return {
    ...readModels,
    getOrder(orderId) {
      const entry = entries.get(orderId);
      if (entry !== undefined && performance.now() - entry.readAt < ttlMs) {
        lookups.inc({ outcome: 'hit' });
        return Promise.resolve(entry.order);
      }
      lookups.inc({ outcome: 'miss' });
      let pending = reading.get(orderId);
      if (pending === undefined) {
        pending = read(orderId).finally(() => {
          if (reading.get(orderId) === pending) reading.delete(orderId);
        });
        reading.set(orderId, pending);
      }
      return pending;
    },
    close: unsubscribe,
  };
}
