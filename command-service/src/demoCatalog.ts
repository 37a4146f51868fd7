import type { EventStore } from '@orderflow/platform';
import type { Actor, InventoryItemCommand } from '@orderflow/schemas';
import { deciders, execute, load, metadataFor, streams } from './commands.js';
import { deterministicUuid } from './handling/handleCommand.js';

/** A small catalog for a first look at the embedded engine: a drop with scarce stock and two everyday items. */
export const demoCatalog = [
  {
    sku: 'DROP-SNEAKER-42',
    name: 'Limited sneaker, size 42',
    unitPrice: { amount: 18_900, currency: 'EUR' },
    perCustomerLimit: 1,
    stock: 25,
  },
  { sku: 'DROP-HOODIE-M', name: 'Drop hoodie, M', unitPrice: { amount: 7_900, currency: 'EUR' }, perCustomerLimit: 2, stock: 100 },
  { sku: 'TEE-BLACK-L', name: 'Black tee, L', unitPrice: { amount: 2_500, currency: 'EUR' }, perCustomerLimit: 10, stock: 500 },
  { sku: 'CAP-ONE', name: 'Cap, one size', unitPrice: { amount: 2_900, currency: 'EUR' }, perCustomerLimit: 5, stock: 300 },
] as const;

const seeder: Actor = { role: 'admin', id: 'demo-seed' };

/**
 * Registers the demo SKUs that do not exist yet and gives them their stock, through the same handlers as the API.
 * Command ids are derived from the SKU, so a seed that is interrupted and run again does each step once.
 * Returns the SKUs it registered (none when the catalog was already there).
 */
export async function seedDemoCatalog(store: EventStore): Promise<string[]> {
  const seeded: string[] = [];
  for (const item of demoCatalog) {
    const streamId = streams.inventory(item.sku);
    const state = await load(store, streamId, deciders.inventory);
    if (state.status !== 'unregistered') continue;
    const run = (command: Omit<InventoryItemCommand, 'metadata'>, step: string) =>
      execute(store, streamId, deciders.inventory, {
        ...command,
        metadata: metadataFor(deterministicUuid(`demo-seed:${item.sku}:${step}`), seeder),
      } as InventoryItemCommand);
    const { stock, ...sku } = item;
    await run({ type: 'RegisterSku', data: sku }, 'register');
    await run({ type: 'ReceiveStock', data: { sku: item.sku, quantity: stock } }, 'receive');
    seeded.push(item.sku);
  }
  return seeded;
}
