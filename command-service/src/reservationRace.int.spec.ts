import { randomUUID } from 'node:crypto';
import { availableStock, inventoryItemDecider, type InventoryItemState } from '@orderflow/domain';
import { createEventStore, type EventStore } from '@orderflow/platform';
import { describeWith } from '@orderflow/platform/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { deciders, execute, load, streams } from './commands.js';

const now = () => new Date().toISOString();
const system = { role: 'system' as const, id: 'checkout' };

describeWith('postgres', 'hot SKU under a reservation stampede', (use) => {
  let store: EventStore;
  let second: EventStore;
  beforeAll(async () => {
    store = await createEventStore({ databaseUrl: use().url });
    second = await createEventStore({ databaseUrl: use().url });
  });
  afterAll(async () => {
    await Promise.all([store.close(), second.close()]);
  });

  it('500 concurrent reservations from two processes (limit 2 per customer) on 100 units: exactly 100 reserved, no customer over the limit', async () => {
    const sku = 'DROP-1';
    const stream = streams.inventory(sku);
    const meta = () => ({ commandId: randomUUID(), now: now(), actor: system });
    await execute(store, stream, deciders.inventory, {
      type: 'RegisterSku',
      data: { sku, name: 'Limited drop', unitPrice: { amount: 5_000, currency: 'EUR' }, perCustomerLimit: 2 },
      metadata: meta(),
    });
    await execute(store, stream, deciders.inventory, { type: 'ReceiveStock', data: { sku, quantity: 100 }, metadata: meta() });

    // 125 customers each try four one-unit orders: 500 commands, at most 250 allowed by the limit, 100 by stock.
    const commands = Array.from({ length: 500 }, (_, i) => ({
      type: 'ReserveStock' as const,
      data: {
        sku,
        orderId: `order-${i}`,
        customerId: `customer-${i % 125}`,
        quantity: 1,
        expiresAt: new Date(Date.now() + 600_000).toISOString(),
      },
      metadata: meta(),
    }));
    const started = performance.now();
    // Two store instances stand for two command-service processes racing on the same SKU stream.
    const results = await Promise.all(commands.map((c, i) => execute(i % 2 === 0 ? store : second, stream, deciders.inventory, c, {})));
    const seconds = (performance.now() - started) / 1000;
    const retries = results.reduce((sum, r) => sum + r.attempts - 1, 0);
    process.stderr.write(
      `[reservation race] ${commands.length} commands in ${seconds.toFixed(2)} s = ${(commands.length / seconds).toFixed(0)}/s, ${retries} conflicts retried\n`,
    );

    const events = await store.readStream(stream);
    const reserved = events.filter((e) => e.type === 'StockReserved');
    expect(reserved).toHaveLength(100);
    expect(events.filter((e) => e.type === 'ReservationRejected')).toHaveLength(400);
    const perCustomer = new Map<string, number>();
    for (const e of reserved) {
      const customerId = typeof e.data.customerId === 'string' ? e.data.customerId : '';
      perCustomer.set(customerId, (perCustomer.get(customerId) ?? 0) + 1);
    }
    expect(Math.max(...perCustomer.values())).toBeLessThanOrEqual(2);
    const replayed: InventoryItemState = await load(store, stream, inventoryItemDecider);
    expect(replayed.status === 'registered' ? [replayed.onHand, replayed.reserved, availableStock(replayed)] : []).toEqual([100, 100, 0]);
  }, 120_000);
});
