import { DomainError } from '../shared/domainError.js';

export class SkuNotRegistered extends DomainError {
  readonly code = 'sku_not_registered';
  readonly category = 'not_found';
  constructor(readonly sku: string) {
    super(`SKU ${sku} is not registered`, { sku });
  }
}

export class SkuAlreadyRegistered extends DomainError {
  readonly code = 'sku_already_registered';
  readonly category = 'conflict';
  constructor(readonly sku: string) {
    super(`SKU ${sku} is already registered`, { sku });
  }
}

/** An adjustment that would leave fewer units on hand than are promised to live reservations. */
export class StockBelowReserved extends DomainError {
  readonly code = 'stock_below_reserved';
  readonly category = 'conflict';
  constructor(
    readonly sku: string,
    readonly onHand: number,
    readonly reserved: number,
    readonly delta: number,
  ) {
    super(`SKU ${sku}: adjusting ${onHand} on hand by ${delta} would leave less than the ${reserved} reserved`, {
      sku,
      onHand,
      reserved,
      delta,
    });
  }
}

export class ReservationNotFound extends DomainError {
  readonly code = 'reservation_not_found';
  readonly category = 'not_found';
  constructor(
    readonly sku: string,
    readonly orderId: string,
  ) {
    super(`SKU ${sku} holds no reservation for order ${orderId}`, { sku, orderId });
  }
}

/** Committing a reservation that was released, expired, rejected, or whose expiry has passed. */
export class ReservationNotLive extends DomainError {
  readonly code = 'reservation_not_live';
  readonly category = 'conflict';
  constructor(
    readonly sku: string,
    readonly orderId: string,
    readonly status: 'released' | 'expired' | 'rejected',
  ) {
    super(`the reservation of SKU ${sku} for order ${orderId} is ${status}`, { sku, orderId, status });
  }
}

/** Releasing a committed reservation: those units are sold; they come back through a stock adjustment. */
export class ReservationAlreadyCommitted extends DomainError {
  readonly code = 'reservation_committed';
  readonly category = 'conflict';
  constructor(
    readonly sku: string,
    readonly orderId: string,
  ) {
    super(`the reservation of SKU ${sku} for order ${orderId} is already committed`, { sku, orderId });
  }
}

/** A second reservation for the same order that asks for something else than the first: not a retry. */
export class ReservationConflict extends DomainError {
  readonly code = 'reservation_conflict';
  readonly category = 'conflict';
  constructor(
    readonly sku: string,
    readonly orderId: string,
  ) {
    super(`order ${orderId} already has a different reservation decision for SKU ${sku}`, { sku, orderId });
  }
}
