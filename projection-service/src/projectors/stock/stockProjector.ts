import type pg from 'pg';
import type { ProcessorDefinition } from '@orderflow/platform';
import { toProjectedEvent } from '../projectedEvent.js';
import { evolveStock, type InventoryEvent, type StockRow } from './stockRow.js';
import {
  ensureStockTable,
  loadStockRows,
  saveStockRows,
  stockSchema,
  stockShadowTable,
  stockTable,
  swapStockTables,
} from './stockTables.js';

export interface StockProjectorDeps {
  /** The read model's database (also where the runtime keeps the checkpoints, so both commit together). */
  readonly pool: pg.Pool;
}

export const stockProcessorName = 'stock';

/**
 * Stock & catalog (PostgreSQL `read_stock.catalog`, one row per SKU) from the `inventory-*` streams. Transactional:
 * the batch's rows are written through the runtime's transaction, together with the checkpoint. A batch is folded in
 * memory per SKU and written with one statement; each row also keeps the position it last applied.
 *
 * Create one definition per runner: a blue-green rebuild points its definition at the shadow table until `swap`.
 */
export function createStockProjector({ pool }: StockProjectorDeps): ProcessorDefinition & { ensure(): Promise<void> } {
  let target = stockTable;
  return {
    name: stockProcessorName,
    filter: { streamPrefixes: ['inventory-'] },
    batchSize: 2_000,
    transactional: true,

    ensure: () => ensureStockTable(pool, stockTable),

    async handleBatch(events, ctx) {
      if (ctx.tx === undefined) throw new Error('the stock projector writes through the runtime transaction');
      const parsed = events.map((e) => toProjectedEvent(e) as InventoryEvent);
      const rows = await loadStockRows(ctx.tx, target, [...new Set(parsed.map((e) => e.data.sku))]);
      const changed = new Map<string, StockRow>();
      for (const event of parsed) {
        const before = rows.get(event.data.sku);
        const after = evolveStock(before, event);
        if (after === undefined || after === before) continue;
        rows.set(after.sku, after);
        changed.set(after.sku, after);
      }
      await saveStockRows(ctx.tx, target, [...changed.values()]);
    },

    rebuild: {
      async prepare({ blueGreen }) {
        if (blueGreen) {
          await pool.query(`drop table if exists ${stockSchema}.${stockShadowTable}`);
          await ensureStockTable(pool, stockShadowTable);
          target = stockShadowTable;
        } else {
          await ensureStockTable(pool, stockTable);
          await pool.query(`truncate ${stockSchema}.${stockTable}`);
          target = stockTable;
        }
      },
      async swap({ tx }) {
        await swapStockTables(pool, tx);
        target = stockTable;
      },
    },
  };
}
