import type { AdjustStock, ChangeSku, InventoryItemCommand, InventoryItemEvent, ReceiveStock, RegisterSku } from '@orderflow/schemas';
import { assertNever, type Decider } from '../shared/decider.js';
import { assertMoney, assertNonZeroInteger, assertPositiveInteger } from '../shared/guards.js';
import { commitReservation, expireReservations, releaseReservation, reserveStock } from './decideReservations.js';
import { evolve, initialState, type InventoryItemState, type RegisteredItem } from './inventoryItem.js';
import { SkuAlreadyRegistered, SkuNotRegistered, StockBelowReserved } from './inventoryItemErrors.js';

function registered(state: InventoryItemState, sku: string): RegisteredItem {
  if (state.status === 'unregistered') throw new SkuNotRegistered(sku);
  return state;
}

function registerSku({ data }: RegisterSku, state: InventoryItemState): InventoryItemEvent[] {
  const { sku, name, unitPrice, perCustomerLimit, perOrderLimit = null } = data;
  if (state.status === 'registered') throw new SkuAlreadyRegistered(sku);
  assertMoney('unitPrice', unitPrice);
  assertPositiveInteger('perCustomerLimit', perCustomerLimit);
  if (perOrderLimit !== null) assertPositiveInteger('perOrderLimit', perOrderLimit);
  return [{ type: 'SkuRegistered', data: { sku, name, unitPrice, perCustomerLimit, perOrderLimit } }];
}

/** Only what differs becomes an event. New limits bind new reservations; what is already held stays held. */
function changeSku({ data }: ChangeSku, state: InventoryItemState): InventoryItemEvent[] {
  const { sku, unitPrice, perCustomerLimit, perOrderLimit } = data;
  const item = registered(state, sku);
  const events: InventoryItemEvent[] = [];
  if (unitPrice !== undefined && (unitPrice.amount !== item.unitPrice.amount || unitPrice.currency !== item.unitPrice.currency)) {
    assertMoney('unitPrice', unitPrice);
    events.push({ type: 'SkuPriceChanged', data: { sku, unitPrice } });
  }
  const limits = {
    perCustomerLimit: perCustomerLimit ?? item.perCustomerLimit,
    perOrderLimit: perOrderLimit === undefined ? item.perOrderLimit : perOrderLimit,
  };
  if (limits.perCustomerLimit !== item.perCustomerLimit || limits.perOrderLimit !== item.perOrderLimit) {
    assertPositiveInteger('perCustomerLimit', limits.perCustomerLimit);
    if (limits.perOrderLimit !== null) assertPositiveInteger('perOrderLimit', limits.perOrderLimit);
    events.push({ type: 'SkuLimitsChanged', data: { sku, ...limits } });
  }
  return events;
}

function receiveStock({ data }: ReceiveStock, state: InventoryItemState): InventoryItemEvent[] {
  registered(state, data.sku);
  assertPositiveInteger('quantity', data.quantity);
  return [{ type: 'StockReceived', data }];
}

/** Never below what live reservations hold: those units are promised. */
function adjustStock({ data }: AdjustStock, state: InventoryItemState): InventoryItemEvent[] {
  const item = registered(state, data.sku);
  assertNonZeroInteger('delta', data.delta);
  if (item.onHand + data.delta < item.reserved) throw new StockBelowReserved(data.sku, item.onHand, item.reserved, data.delta);
  return [{ type: 'StockAdjusted', data }];
}

export function decide(command: InventoryItemCommand, state: InventoryItemState): InventoryItemEvent[] {
  switch (command.type) {
    case 'RegisterSku':
      return registerSku(command, state);
    case 'ChangeSku':
      return changeSku(command, state);
    case 'ReceiveStock':
      return receiveStock(command, state);
    case 'AdjustStock':
      return adjustStock(command, state);
    case 'ReserveStock':
      return reserveStock(command, state);
    case 'CommitReservation':
      return commitReservation(command, state);
    case 'ReleaseReservation':
      return releaseReservation(command, state);
    case 'ExpireReservations':
      return expireReservations(command, state);
    default:
      return assertNever(command);
  }
}

/** The InventoryItem aggregate (`inventory-<sku>`): catalog data and stock of one SKU. */
export const inventoryItemDecider: Decider<InventoryItemState, InventoryItemCommand, InventoryItemEvent> = { decide, evolve, initialState };
