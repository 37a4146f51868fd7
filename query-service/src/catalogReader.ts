import { prepared } from '@orderflow/platform';
import type { CatalogItem } from '@orderflow/schemas';
import type pg from 'pg';
import type { CatalogReader } from './readModels.js';

/** The row as the API serves it, built by PostgreSQL (unit_price is a bigint of minor units, safe as a JSON number). */
const item = `jsonb_build_object(
  'sku', sku, 'name', name, 'unitPrice', jsonb_build_object('amount', unit_price, 'currency', currency),
  'perCustomerLimit', per_customer_limit, 'perOrderLimit', per_order_limit,
  'onHand', on_hand, 'reserved', reserved, 'available', greatest(on_hand - reserved, 0), 'sold', sold,
  'updatedAt', to_char(updated_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')) as item`;

/**
 * The stock & catalog read model where the stock projector keeps it: PostgreSQL `read_stock.catalog`, one row per
 * SKU (a stable name: blue-green rebuilds swap a shadow table in under it).
 */
export function createPostgresCatalogReader(pool: pg.Pool, table = 'read_stock.catalog'): CatalogReader {
  return {
    async getCatalogItem(sku) {
      const { rows } = await pool.query<{ item: CatalogItem }>({
        ...prepared(`select ${item} from ${table} where sku = $1`),
        values: [sku],
      });
      return rows[0]?.item;
    },
    async listCatalog(afterSku, limit) {
      const { rows } = await pool.query<{ item: CatalogItem }>({
        ...prepared(`select ${item} from ${table} where sku > $1 collate "C" order by sku collate "C" limit $2`),
        values: [afterSku ?? '', limit],
      });
      return rows.map((row) => row.item);
    },
  };
}
