import { describe, expect, it } from 'vitest';
import { InventoryItemCommand } from './inventoryCommands.js';
import { OrderCommand } from './orderCommands.js';
import { PaymentCommand } from './paymentCommands.js';

const metadata = {
  commandId: 'checkout:o-1:reserve:SNEAKER-42',
  now: '2026-11-21T10:00:00.000Z',
  actor: { role: 'system', id: 'checkout' },
};

describe('commands', () => {
  it('carry metadata with the clock and the actor', () => {
    const command = {
      type: 'ReserveStock',
      data: { sku: 'SNEAKER-42', orderId: 'o-1', customerId: 'c-1', quantity: 2, expiresAt: '2026-11-21T10:15:00.000Z' },
      metadata,
    };
    expect(InventoryItemCommand.parse(command)).toEqual(command);
  });
  it('refuse a `now` that is not UTC with millisecond precision', () => {
    for (const now of ['2026-11-21T10:00:00Z', '2026-11-21T11:00:00.000+01:00'])
      expect(OrderCommand.safeParse({ type: 'ConfirmOrder', data: { orderId: 'o-1' }, metadata: { ...metadata, now } }).success, now).toBe(
        false,
      );
  });
  it('refuse an actor role that does not exist', () => {
    expect(
      OrderCommand.safeParse({
        type: 'ConfirmOrder',
        data: { orderId: 'o-1' },
        metadata: { ...metadata, actor: { role: 'root', id: 'x' } },
      }).success,
    ).toBe(false);
  });
  it('are strict', () => {
    expect(
      PaymentCommand.safeParse({ type: 'VoidPayment', data: { orderId: 'o-1', requestId: 'void-1', force: true }, metadata }).success,
    ).toBe(false);
  });
  it('void without an amount (all that is uncaptured)', () => {
    expect(PaymentCommand.safeParse({ type: 'VoidPayment', data: { orderId: 'o-1', requestId: 'void-1' }, metadata }).success).toBe(true);
  });
});
