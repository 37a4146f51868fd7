import type { DeclineReason, Money } from '@orderflow/schemas';

export type GatewayOperation = 'authorize' | 'capture' | 'void' | 'refund';

export interface AuthorizeRequest {
  readonly paymentId: string;
  readonly amount: Money;
  readonly paymentMethodToken: string;
  readonly idempotencyKey: string;
  readonly traceparent?: string;
}

export interface MoneyMovementRequest {
  readonly paymentId: string;
  readonly amount: Money;
  readonly gatewayReference?: string;
  readonly idempotencyKey: string;
  readonly traceparent?: string;
}

export type GatewayOutcome =
  | { readonly outcome: 'approved'; readonly reference: string }
  | { readonly outcome: 'declined'; readonly reason: DeclineReason; readonly detail?: string }
  /** Not decided: timeout, 5xx after the retries, circuit open. The caller may retry later with the same key. */
  | { readonly outcome: 'unavailable'; readonly detail: string; readonly circuitOpen: boolean };

export type CircuitState = 'closed' | 'open' | 'half-open';

/** The port the checkout saga talks to; one adapter speaks HTTP to the (sandbox) gateway. */
export interface PaymentGateway {
  authorize(request: AuthorizeRequest, signal?: AbortSignal): Promise<GatewayOutcome>;
  capture(request: MoneyMovementRequest, signal?: AbortSignal): Promise<GatewayOutcome>;
  void(request: MoneyMovementRequest, signal?: AbortSignal): Promise<GatewayOutcome>;
  refund(request: MoneyMovementRequest, signal?: AbortSignal): Promise<GatewayOutcome>;
  /** 'closed' | 'open' | 'half-open' */
  circuitState(): CircuitState;
}

/** Idempotency key = payment id + operation (+ request id for repeatable operations such as partial refunds). */
export function idempotencyKeyFor(paymentId: string, operation: GatewayOperation, requestId?: string): string {
  return requestId === undefined ? `${paymentId}:${operation}` : `${paymentId}:${operation}:${requestId}`;
}
