import { DomainError } from '../shared/domainError.js';

export class OrderNotFound extends DomainError {
  readonly code = 'order_not_found';
  readonly category = 'not_found';
  constructor(readonly orderId: string) {
    super(`order ${orderId} does not exist`, { orderId });
  }
}

export class OrderAlreadyExists extends DomainError {
  readonly code = 'order_already_exists';
  readonly category = 'conflict';
  constructor(readonly orderId: string) {
    super(`order ${orderId} was already placed`, { orderId });
  }
}

/** Cancelling an order that has left the warehouse: it has to come back as a return and a refund instead. */
export class OrderAlreadyShipped extends DomainError {
  readonly code = 'order_already_shipped';
  readonly category = 'conflict';
  constructor(
    readonly orderId: string,
    readonly status: 'shipped' | 'delivered',
  ) {
    super(`order ${orderId} is already ${status}`, { orderId, status });
  }
}

export class OrderIsCancelled extends DomainError {
  readonly code = 'order_cancelled';
  readonly category = 'conflict';
  constructor(readonly orderId: string) {
    super(`order ${orderId} is cancelled`, { orderId });
  }
}

/** Shipping or refunding an order whose checkout has not completed (stock committed, payment captured). */
export class OrderNotConfirmed extends DomainError {
  readonly code = 'order_not_confirmed';
  readonly category = 'conflict';
  constructor(readonly orderId: string) {
    super(`order ${orderId} is not confirmed yet`, { orderId });
  }
}

export class OrderNotShipped extends DomainError {
  readonly code = 'order_not_shipped';
  readonly category = 'conflict';
  constructor(readonly orderId: string) {
    super(`order ${orderId} has not been shipped`, { orderId });
  }
}
