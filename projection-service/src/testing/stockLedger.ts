import { setTimeout as sleep } from 'node:timers/promises';
import type { ProcessorDefinition, RecordedEvent } from '@orderflow/platform';
import type pg from 'pg';

export const stockLedgerName = 'stock-ledger';

/** The ledger's table: one row of counters per SKU. */
export async function ensureStockLedger(pool: pg.Pool): Promise<void> {
  await pool.query(
    'create table if not exists stock_ledger (sku text primary key, on_hand int not null, reserved int not null, sold int not null, events int not null)',
  );
}

/**
 * For crash tests: a transactional processor of the `inventory-*` streams that adds each event's quantities to plain
 * counters in `stock_ledger`, moved as the InventoryItem decider moves them, with no position guard — unlike the stock
 * projector's rows, a batch applied twice shows here. `delayMs` holds each batch's transaction open that long after
 * its write.
 */
export function createStockLedger(options: { readonly batchSize: number; readonly delayMs?: number }): ProcessorDefinition {
  return {
    name: stockLedgerName,
    filter: { streamPrefixes: ['inventory-'] },
    batchSize: options.batchSize,
    transactional: true,
    async handleBatch(events: readonly RecordedEvent[], ctx) {
      if (ctx.tx === undefined) throw new Error('the stock ledger writes through the runtime transaction');
      const sums = new Map<string, { onHand: number; reserved: number; sold: number; events: number }>();
      for (const event of events) {
        const data = event.data as { sku: string; quantity?: number; delta?: number };
        const sum = sums.get(data.sku) ?? { onHand: 0, reserved: 0, sold: 0, events: 0 };
        sums.set(data.sku, sum);
        const quantity = data.quantity ?? 0;
        sum.events += 1;
        if (event.type === 'StockReceived') sum.onHand += quantity;
        else if (event.type === 'StockAdjusted') sum.onHand += data.delta ?? 0;
        else if (event.type === 'StockReserved') sum.reserved += quantity;
        else if (event.type === 'ReservationCommitted') {
          sum.onHand -= quantity;
          sum.reserved -= quantity;
          sum.sold += quantity;
        } else if (event.type === 'ReservationReleased' || event.type === 'ReservationExpired') sum.reserved -= quantity;
      }
      const rows = [...sums];
      await ctx.tx.query(
        `insert into stock_ledger as t (sku, on_hand, reserved, sold, events)
         select * from unnest($1::text[], $2::int[], $3::int[], $4::int[], $5::int[])
         on conflict (sku) do update set on_hand = t.on_hand + excluded.on_hand, reserved = t.reserved + excluded.reserved,
           sold = t.sold + excluded.sold, events = t.events + excluded.events`,
        [
          rows.map(([sku]) => sku),
          rows.map(([, s]) => s.onHand),
          rows.map(([, s]) => s.reserved),
          rows.map(([, s]) => s.sold),
          rows.map(([, s]) => s.events),
        ],
      );
      if ((options.delayMs ?? 0) > 0) await sleep(options.delayMs);
    },
  };
}
