import { comparePositions, gauge, type Position } from '@orderflow/platform';
import type { OrderHistoryDocument } from '@orderflow/schemas';
import type { FastifyBaseLogger } from 'fastify';
import type { CheckpointWatcher } from '../consistency.js';
import type { ReadModels } from '../readModels.js';

export interface LiveWatch {
  /** Called with the re-read document after the processor's checkpoint moved (possibly unchanged: compare positions). */
  readonly onChange: (order: OrderHistoryDocument) => void;
  /** Called once when the hub shuts down. */
  readonly onEnd: () => void;
}

/**
 * Fans checkpoint notifications of the order-history processor out to the live streams of each order: one re-read
 * per watched order per checkpoint however many clients watch it, at most one read in flight per order (a
 * checkpoint arriving meanwhile queues exactly one more).
 */
export interface LiveHub {
  /** Starts delivering `watch.onChange` for `orderId`; the returned function stops it. */
  watch(orderId: string, watch: LiveWatch): () => void;
  /** Ends every stream (before the server closes). */
  close(): void;
}

interface Entry {
  readonly watches: Set<LiveWatch>;
  /** The last document position read for this order. */
  seen: Position | undefined;
  reading: boolean;
  /** Re-reads asked for, and how many of them the last read covered. */
  requested: number;
  read: number;
}

const connections = gauge({ name: 'orderflow_query_live_streams', help: 'Open server-sent-event streams of order updates' });

export function createLiveHub(deps: {
  readonly watcher: CheckpointWatcher;
  readonly readModels: ReadModels;
  readonly processor: string;
  readonly log: FastifyBaseLogger;
}): LiveHub {
  const entries = new Map<string, Entry>();
  let unsubscribe: (() => void) | undefined;

  async function refresh(orderId: string, entry: Entry): Promise<void> {
    entry.requested += 1;
    if (entry.reading) return;
    entry.reading = true;
    try {
      while (entry.read !== entry.requested && entries.get(orderId) === entry) {
        entry.read = entry.requested;
        const order = await deps.readModels.getOrder(orderId);
        if (order === undefined || order.lastPosition === entry.seen) continue;
        entry.seen = order.lastPosition as Position;
        for (const watch of entry.watches) watch.onChange(order);
      }
    } catch (err) {
      deps.log.warn({ err, orderId }, 'live order re-read failed');
    } finally {
      entry.reading = false;
    }
  }

  function onCheckpoint(name: string, position: Position): void {
    if (name !== deps.processor) return;
    for (const [orderId, entry] of entries)
      // A checkpoint not past what this order's document already showed cannot have changed it.
      if (entry.seen === undefined || comparePositions(position, entry.seen) > 0) void refresh(orderId, entry);
  }

  return {
    watch(orderId, watch) {
      let entry = entries.get(orderId);
      if (entry === undefined) {
        entry = { watches: new Set(), seen: undefined, reading: false, requested: 0, read: 0 };
        entries.set(orderId, entry);
      }
      entry.watches.add(watch);
      connections.inc();
      unsubscribe ??= deps.watcher.onCheckpoint(onCheckpoint);
      const mine = entry;
      return () => {
        if (!mine.watches.delete(watch)) return;
        connections.dec();
        if (mine.watches.size === 0) entries.delete(orderId);
        if (entries.size === 0) {
          unsubscribe?.();
          unsubscribe = undefined;
        }
      };
    },
    close() {
      for (const entry of [...entries.values()]) for (const watch of [...entry.watches]) watch.onEnd();
      entries.clear();
      unsubscribe?.();
      unsubscribe = undefined;
    },
  };
}
