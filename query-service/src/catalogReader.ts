import type pg from 'pg';
import type { CatalogReader } from './readModels.js';
import type { CatalogItem } from '@orderflow/schemas';

interface CatalogRow {
  sku: string;
  name: string;
  unit_price: string;
  currency: string;
  per_customer_limit: number;
  per_order_limit: number | null;
  on_hand: number;
  reserved: number;
  sold: number;
  updated_at: Date;
}

const columns = 'sku, name, unit_price, currency, per_customer_limit, per_order_limit, on_hand, reserved, sold, updated_at';

/** The stock & catalog read model as the stock projector keeps it in PostgreSQL (one row per SKU). */
export function createPostgresCatalogReader(pool: pg.Pool, table = 'read_stock.catalog'): CatalogReader {
  return {
    async getCatalogItem(sku) {
      const { rows } = await pool.query<CatalogRow>(`select ${columns} from ${table} where sku = $1`, [sku]);
      return rows[0] === undefined ? undefined : itemOf(rows[0]);
    },
    async listCatalog(afterSku, limit) {
      const { rows } = await pool.query<CatalogRow>(
        `select ${columns} from ${table} where sku > $1 collate "C" order by sku collate "C" limit $2`,
        [afterSku ?? '', limit],
      );
      return rows.map(itemOf);
    },
  };
}

function itemOf(row: CatalogRow): CatalogItem {
  return {
    sku: row.sku,
    name: row.name,
    unitPrice: { amount: Number(row.unit_price), currency: row.currency },
    perCustomerLimit: row.per_customer_limit,
    perOrderLimit: row.per_order_limit,
    onHand: row.on_hand,
    reserved: row.reserved,
    available: Math.max(0, row.on_hand - row.reserved),
    sold: row.sold,
    updatedAt: row.updated_at.toISOString(),
  };
}
