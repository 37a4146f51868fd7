import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DocumentCollection, DocumentStore, IndexSpec } from './types.js';

interface Order extends Record<string, unknown> {
  orderId: string;
  customerId: string;
  status: string;
  placedAt: string;
  total: number;
  read?: boolean;
  lastPosition: string;
}

const indexes: IndexSpec[] = [
  {
    name: 'by_customer_date',
    fields: [
      { field: 'customerId', direction: 'asc' },
      { field: 'placedAt', direction: 'desc' },
    ],
  },
  {
    name: 'by_customer_status',
    fields: [
      { field: 'customerId', direction: 'asc' },
      { field: 'status', direction: 'asc' },
      { field: 'placedAt', direction: 'desc' },
    ],
  },
];

const order = (n: number, overrides: Partial<Order> = {}): Order => ({
  orderId: `o-${String(n).padStart(3, '0')}`,
  customerId: n % 2 === 0 ? 'c-even' : 'c-odd',
  status: n % 3 === 0 ? 'cancelled' : 'placed',
  // Pairs of orders share a timestamp, so the id tie-break is exercised.
  placedAt: new Date(Date.UTC(2026, 0, 1, 0, 0, Math.floor(n / 2))).toISOString(),
  total: n * 100,
  lastPosition: `p-${String(n).padStart(6, '0')}`,
  ...overrides,
});

/**
 * The document-store contract: one suite for every adapter (MongoDB/FerretDB, PostgreSQL JSONB). Call it inside a
 * `describeWith` body; `factory` gets a collection-name prefix of its own.
 */
export function describeDocumentStore(factory: () => Promise<DocumentStore>): void {
  describe('document store contract', () => {
    let store: DocumentStore | undefined;
    const use = () => {
      if (store === undefined) throw new Error('store used before beforeAll');
      return store;
    };
    beforeAll(async () => {
      store = await factory();
    });
    afterAll(async () => {
      await store?.close();
    });
    let counter = 0;
    const fresh = async (): Promise<DocumentCollection<Order>> => {
      counter += 1;
      const collection = use().collection<Order>(`orders_${counter}`, { idField: 'orderId', positionField: 'lastPosition' });
      await collection.ensure(indexes);
      return collection;
    };

    it('gets nothing from an empty collection', async () => {
      const orders = await fresh();
      expect(await orders.get('o-001')).toBeUndefined();
      expect(await orders.getMany(['o-001', 'o-002'])).toEqual([]);
      expect(await orders.count()).toBe(0);
      await orders.ensure(indexes);
    });

    it('writes a document only when its position is past the stored one', async () => {
      const orders = await fresh();
      expect(await orders.upsertMany([order(1), order(2)])).toEqual({ written: 2 });
      expect(await orders.get('o-001')).toEqual(order(1));
      expect(await orders.upsertMany([order(1), order(2)])).toEqual({ written: 0 });
      const stale = order(1, { status: 'stale', lastPosition: 'p-000000' });
      const newer = order(2, { status: 'confirmed', lastPosition: 'p-000009' });
      expect(await orders.upsertMany([stale, newer, order(3)])).toEqual({ written: 2 });
      expect(await orders.get('o-001')).toEqual(order(1));
      expect(await orders.get('o-002')).toEqual(newer);
      expect((await orders.getMany(['o-003', 'o-404', 'o-001'])).map((d) => d.orderId).sort()).toEqual(['o-001', 'o-003']);
    });

    it('takes the fresh hint for new documents and still guards the ones already stored', async () => {
      const orders = await fresh();
      expect(await orders.upsertMany([order(1, { read: true }), order(2)], { fresh: true, insertOnly: ['read'] })).toEqual({ written: 2 });
      expect(await orders.get('o-001')).toEqual(order(1, { read: true }));
      // A retried batch: the same documents again, plus one stale, one newer and one new.
      expect(await orders.upsertMany([order(1), order(2)], { fresh: true })).toEqual({ written: 0 });
      const stale = order(1, { status: 'stale', lastPosition: 'p-000000', read: false });
      const newer = order(2, { status: 'confirmed', lastPosition: 'p-000009' });
      expect(await orders.upsertMany([stale, newer, order(3)], { fresh: true, insertOnly: ['read'] })).toEqual({ written: 2 });
      expect(await orders.getMany(['o-001', 'o-002', 'o-003']).then((d) => d.sort((a, b) => a.orderId.localeCompare(b.orderId)))).toEqual([
        order(1, { read: true }),
        newer,
        order(3),
      ]);
    });

    it('keeps insert-only members and members set by update across later writes', async () => {
      const orders = await fresh();
      await orders.upsertMany([order(1, { read: false })], { insertOnly: ['read'] });
      expect(await orders.update('o-001', { read: true })).toBe(true);
      expect(await orders.update('o-404', { read: true })).toBe(false);
      expect(await orders.get('o-001')).toEqual(order(1, { read: true }));
      await orders.upsertMany([order(1, { read: false, status: 'confirmed', lastPosition: 'p-000005' })], { insertOnly: ['read'] });
      expect(await orders.get('o-001')).toEqual(order(1, { read: true, status: 'confirmed', lastPosition: 'p-000005' }));
    });

    it('finds by equality, sorted with ties broken by id, within a range, page by page', async () => {
      const orders = await fresh();
      await orders.upsertMany(Array.from({ length: 30 }, (_, i) => order(i + 1)));
      const evens = await orders.find({ where: { customerId: 'c-even' }, sort: { field: 'placedAt', direction: 'desc' }, limit: 100 });
      expect(evens.map((d) => d.orderId)).toEqual(Array.from({ length: 15 }, (_, i) => order(30 - 2 * i).orderId));
      const cancelled = await orders.find({
        where: { customerId: 'c-odd', status: 'cancelled' },
        sort: { field: 'placedAt', direction: 'asc' },
        limit: 100,
      });
      expect(cancelled.map((d) => d.orderId)).toEqual(['o-003', 'o-009', 'o-015', 'o-021', 'o-027']);
      const ranged = await orders.find({
        sort: { field: 'placedAt', direction: 'asc' },
        range: { from: order(10).placedAt, to: order(14).placedAt },
        limit: 100,
      });
      expect(ranged.map((d) => d.orderId)).toEqual(['o-010', 'o-011', 'o-012', 'o-013']);
      expect(await orders.count({ customerId: 'c-odd', status: 'cancelled' })).toBe(5);

      for (const direction of ['asc', 'desc'] as const) {
        const seen: string[] = [];
        let after: { value: string; id: string } | undefined;
        for (;;) {
          const page = await orders.find({ sort: { field: 'placedAt', direction }, limit: 7, ...(after && { after }) });
          seen.push(...page.map((d) => d.orderId));
          const last = page.at(-1);
          if (page.length < 7 || last === undefined) break;
          after = { value: last.placedAt, id: last.orderId };
        }
        const all = Array.from({ length: 30 }, (_, i) => order(i + 1).orderId);
        expect(seen).toEqual(direction === 'asc' ? all : all.reverse());
      }
    });

    it('matches booleans and numbers by equality', async () => {
      const orders = await fresh();
      await orders.upsertMany([order(1, { read: true }), order(2, { read: false }), order(3, { read: false })]);
      expect((await orders.find({ where: { read: false }, sort: { field: 'placedAt', direction: 'asc' }, limit: 10 })).length).toBe(2);
      expect(await orders.count({ total: 300 })).toBe(1);
    });

    it('clears and drops', async () => {
      const orders = await fresh();
      await orders.upsertMany([order(1), order(2)]);
      await orders.clear();
      expect(await orders.count()).toBe(0);
      await orders.upsertMany([order(1)]);
      await orders.drop();
      await orders.drop();
      await orders.ensure(indexes);
      expect(await orders.count()).toBe(0);
    });

    it('swaps a shadow in for the live collection, again and again', async () => {
      const live = await fresh();
      await live.upsertMany([order(1), order(2)]);
      for (const round of [1, 2]) {
        const shadow = use().collection<Order>(`${live.name}_shadow`, { idField: 'orderId', positionField: 'lastPosition' });
        await shadow.drop();
        await shadow.ensure(indexes);
        await shadow.upsertMany([order(round + 10)]);
        await use().swap(shadow.name, live.name);
        expect((await live.getMany([order(1).orderId, order(round + 10).orderId])).map((d) => d.orderId)).toEqual([
          order(round + 10).orderId,
        ]);
        await live.ensure(indexes);
        expect(
          await live.find({
            where: { customerId: order(round + 10).customerId },
            sort: { field: 'placedAt', direction: 'desc' },
            limit: 5,
          }),
        ).toHaveLength(1);
      }
    });

    it('swaps into a collection that does not exist yet', async () => {
      const source = await fresh();
      await source.upsertMany([order(5)]);
      const target = use().collection<Order>(`${source.name}_target`, { idField: 'orderId', positionField: 'lastPosition' });
      await use().swap(source.name, target.name);
      expect(await target.get('o-005')).toEqual(order(5));
    });

    it('refuses names that are not plain identifiers', () => {
      expect(() => use().collection<Order>('orders; drop table x', { idField: 'orderId', positionField: 'lastPosition' })).toThrow(
        RangeError,
      );
    });
  });
}
