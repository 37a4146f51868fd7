import { DomainError } from '../shared/domainError.js';

export class PaymentNotRequested extends DomainError {
  readonly code = 'payment_not_requested';
  readonly category = 'not_found';
  constructor(readonly orderId: string) {
    super(`no payment was requested for order ${orderId}`, { orderId });
  }
}

/** One authorization per order: a second request under another id would double-charge. */
export class PaymentAlreadyRequested extends DomainError {
  readonly code = 'payment_already_requested';
  readonly category = 'conflict';
  constructor(
    readonly orderId: string,
    readonly requestId: string,
  ) {
    super(`payment for order ${orderId} was already requested as ${requestId}`, { orderId, requestId });
  }
}

/** A gateway answer for a request this payment never made. */
export class UnknownPaymentRequest extends DomainError {
  readonly code = 'payment_request_unknown';
  readonly category = 'conflict';
  constructor(
    readonly orderId: string,
    readonly requestId: string,
  ) {
    super(`payment for order ${orderId} has no authorization request ${requestId}`, { orderId, requestId });
  }
}

export class PaymentAlreadyAuthorized extends DomainError {
  readonly code = 'payment_already_authorized';
  readonly category = 'conflict';
  constructor(readonly orderId: string) {
    super(`payment for order ${orderId} is already authorized`, { orderId });
  }
}

export class PaymentAlreadyDeclined extends DomainError {
  readonly code = 'payment_already_declined';
  readonly category = 'conflict';
  constructor(readonly orderId: string) {
    super(`payment for order ${orderId} was declined`, { orderId });
  }
}

/** Capture, void and refund need an authorization. */
export class PaymentNotAuthorized extends DomainError {
  readonly code = 'payment_not_authorized';
  readonly category = 'conflict';
  constructor(
    readonly orderId: string,
    readonly status: 'none' | 'requested' | 'declined',
  ) {
    super(`payment for order ${orderId} is not authorized (${status})`, { orderId, status });
  }
}

/** Capturing or voiding more than is authorized and neither captured nor voided yet. */
export class InsufficientAuthorizedAmount extends DomainError {
  readonly code = 'insufficient_authorized_amount';
  readonly category = 'conflict';
  constructor(
    readonly requested: number,
    readonly remaining: number,
    readonly currency: string,
  ) {
    super(`cannot take ${requested} ${currency}: only ${remaining} is authorized and uncaptured`, { requested, remaining, currency });
  }
}

/** A void with nothing left uncaptured: the authorization is spent; captured money needs a refund. */
export class NothingToVoid extends DomainError {
  readonly code = 'nothing_to_void';
  readonly category = 'conflict';
  constructor(readonly orderId: string) {
    super(`payment for order ${orderId} has nothing authorized left to void`, { orderId });
  }
}
