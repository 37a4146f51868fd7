import type pg from 'pg';
import { prepared } from '@orderflow/platform';
import type { StockRow } from './stockRow.js';

/** The read model's schema and tables; the query service reads `read_stock.catalog` (stable name). */
export const stockSchema = 'read_stock';
export const stockTable = 'catalog';
export const stockShadowTable = 'catalog_shadow';

const columns = [
  'sku',
  'name',
  'unit_price',
  'currency',
  'per_customer_limit',
  'per_order_limit',
  'on_hand',
  'reserved',
  'sold',
  'updated_at',
  'last_position',
];

export async function ensureStockTable(db: pg.ClientBase | pg.Pool, table: string): Promise<void> {
  await db.query(`create schema if not exists ${stockSchema}`).catch(ignoreDuplicate);
  await db
    .query(
      `create table if not exists ${stockSchema}.${table} (
        sku text collate "C" primary key,
        name text not null,
        unit_price bigint not null,
        currency text not null,
        per_customer_limit int not null,
        per_order_limit int,
        on_hand int not null,
        reserved int not null,
        sold int not null,
        updated_at timestamptz not null,
        last_position text collate "C" not null)`,
    )
    .catch(ignoreDuplicate);
}

function ignoreDuplicate(err: unknown): void {
  // Two processes creating the schema or table at once: the loser's unique violation means it exists.
  if ((err as { code?: string }).code === '23505' || (err as { code?: string }).code === '42P07') return;
  throw err;
}

interface Row {
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
  last_position: string;
}

export async function loadStockRows(db: pg.ClientBase, table: string, skus: readonly string[]): Promise<Map<string, StockRow>> {
  const { rows } = await db.query<Row>({
    ...prepared(`select ${columns.join(', ')} from ${stockSchema}.${table} where sku = any($1::text[])`),
    values: [skus],
  });
  return new Map(
    rows.map((r) => [
      r.sku,
      {
        sku: r.sku,
        name: r.name,
        unitPrice: Number(r.unit_price),
        currency: r.currency,
        perCustomerLimit: r.per_customer_limit,
        perOrderLimit: r.per_order_limit,
        onHand: r.on_hand,
        reserved: r.reserved,
        sold: r.sold,
        updatedAt: r.updated_at.toISOString(),
        lastPosition: r.last_position,
      },
    ]),
  );
}

/** One statement for the batch; a row is written only when its incoming position is past the stored one. */
export async function saveStockRows(db: pg.ClientBase, table: string, rows: readonly StockRow[]): Promise<void> {
  if (rows.length === 0) return;
  const arrays = columns.map((): unknown[] => []);
  for (const r of rows)
    [
      r.sku,
      r.name,
      r.unitPrice,
      r.currency,
      r.perCustomerLimit,
      r.perOrderLimit,
      r.onHand,
      r.reserved,
      r.sold,
      r.updatedAt,
      r.lastPosition,
    ].forEach((value, i) => arrays[i]?.push(value));
  const types = ['text', 'text', 'bigint', 'text', 'int', 'int', 'int', 'int', 'int', 'timestamptz', 'text'];
  await db.query({
    ...prepared(`insert into ${stockSchema}.${table} as t (${columns.join(', ')})
     select * from unnest(${types.map((type, i) => `$${i + 1}::${type}[]`).join(', ')})
     on conflict (sku) do update set ${columns
       .slice(1)
       .map((c) => `${c} = excluded.${c}`)
       .join(', ')}
     where t.last_position < excluded.last_position`),
    values: arrays,
  });
}

/**
 * Blue-green: the shadow replaces the live table (readers wait on the lock, then see the new one). Inside `tx` when
 * one is given (a rebuild's checkpoint transaction: swap and checkpoint commit together or not at all), else in a
 * transaction of its own.
 */
export async function swapStockTables(pool: pg.Pool, tx?: pg.ClientBase): Promise<void> {
  if (tx !== undefined) {
    await renameShadow(tx);
    return;
  }
  const client = await pool.connect();
  try {
    await client.query('begin');
    await renameShadow(client);
    await client.query('commit');
  } catch (err) {
    await client.query('rollback').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}

async function renameShadow(db: pg.ClientBase): Promise<void> {
  await db.query(`drop table if exists ${stockSchema}.${stockTable}`);
  await db.query(`alter table ${stockSchema}.${stockShadowTable} rename to ${stockTable}`);
  await db.query(`alter index ${stockSchema}.${stockShadowTable}_pkey rename to ${stockTable}_pkey`);
}
