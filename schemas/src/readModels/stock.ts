import { z } from 'zod';
import { Money } from '../common/money.js';
import { boundedText, Sku, Timestamp } from '../common/scalars.js';

/**
 * The stock & catalog read model (PostgreSQL, one row per SKU in both topologies), as served by `GET /v1/catalog` and
 * `/v1/catalog/:sku`. `available` = `onHand` − `reserved` (live reservations), never negative.
 */
export const CatalogItem = z.strictObject({
  sku: Sku,
  name: boundedText(200),
  unitPrice: Money,
  perCustomerLimit: z.int().positive(),
  perOrderLimit: z.int().positive().nullable(),
  onHand: z.int().nonnegative(),
  reserved: z.int().nonnegative(),
  available: z.int().nonnegative(),
  /** Units sold (committed reservations). */
  sold: z.int().nonnegative(),
  updatedAt: Timestamp,
});
export type CatalogItem = z.infer<typeof CatalogItem>;
