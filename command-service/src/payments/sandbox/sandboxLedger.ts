import { HttpProblem } from '@orderflow/platform';
import { randomUUID } from 'node:crypto';
import type { GatewayOperation } from '../paymentGateway.js';
import type { GatewayApproval, GatewayLedger, MoneyMovementBody } from '../gatewayWire.js';

/** One money movement the sandbox applied (what "each operation's effect once" is checked against). */
export interface SandboxEffect {
  readonly seq: number;
  readonly operation: GatewayOperation;
  readonly paymentId: string;
  readonly reference: string;
  readonly amount: { readonly amount: number; readonly currency: string };
  readonly idempotencyKey: string;
  readonly at: string;
}

interface PaymentRecord {
  readonly paymentId: string;
  ledger: GatewayLedger;
  authorizationReference: string;
  readonly effects: SandboxEffect[];
}

const conflict = (code: string, title: string, detail: string, extensions: Record<string, unknown> = {}) =>
  new HttpProblem(409, code, title, detail, extensions);

/**
 * The sandbox's books, in memory (a sandbox: a restart forgets everything). Keeps each payment's amounts consistent:
 * capture ≤ authorized − captured, refund ≤ captured − refunded, void only of an authorization with nothing captured.
 * Inconsistent requests throw 404/409 problems; nothing is applied then.
 */
export function createSandboxLedger() {
  const payments = new Map<string, PaymentRecord>();
  let seq = 0;

  function record(payment: PaymentRecord, operation: GatewayOperation, amount: SandboxEffect['amount'], key: string): GatewayApproval {
    const reference = operation === 'authorize' ? payment.authorizationReference : `${operation}_${randomUUID()}`;
    const { paymentId } = payment;
    payment.effects.push({ seq: ++seq, operation, paymentId, reference, amount, idempotencyKey: key, at: new Date().toISOString() });
    return { status: 'approved', operation, paymentId, reference, amount, ledger: { ...payment.ledger } };
  }

  function existing(body: MoneyMovementBody): PaymentRecord {
    const payment = payments.get(body.paymentId);
    if (payment === undefined)
      throw new HttpProblem(404, 'payment_not_found', 'Payment not found', `No authorization for payment ${body.paymentId}`);
    if (body.reference !== undefined && body.reference !== payment.authorizationReference)
      throw conflict('reference_mismatch', 'Reference mismatch', `Payment ${body.paymentId} was authorized under another reference`);
    if (body.amount.currency !== payment.ledger.currency)
      throw conflict('currency_mismatch', 'Currency mismatch', `Payment ${body.paymentId} is in ${payment.ledger.currency}`);
    return payment;
  }

  return {
    authorize(paymentId: string, amount: SandboxEffect['amount'], key: string): GatewayApproval {
      const found = payments.get(paymentId);
      if (found !== undefined)
        throw conflict('already_authorized', 'Already authorized', `Payment ${paymentId} already has an authorization`, {
          reference: found.authorizationReference,
        });
      const payment: PaymentRecord = {
        paymentId,
        ledger: { currency: amount.currency, authorized: amount.amount, captured: 0, refunded: 0, voided: 0 },
        authorizationReference: `auth_${randomUUID()}`,
        effects: [],
      };
      payments.set(paymentId, payment);
      return record(payment, 'authorize', amount, key);
    },

    capture(body: MoneyMovementBody, key: string): GatewayApproval {
      const payment = existing(body);
      const { ledger } = payment;
      if (ledger.voided > 0) throw conflict('authorization_voided', 'Authorization voided', `Payment ${body.paymentId} was voided`);
      const capturable = ledger.authorized - ledger.captured;
      if (body.amount.amount > capturable)
        throw conflict('capture_exceeds_authorized', 'Capture exceeds authorization', `At most ${capturable} can be captured`, {
          capturable,
        });
      ledger.captured += body.amount.amount;
      return record(payment, 'capture', body.amount, key);
    },

    void(body: MoneyMovementBody, key: string): GatewayApproval {
      const payment = existing(body);
      const { ledger } = payment;
      if (ledger.voided > 0) throw conflict('already_voided', 'Already voided', `Payment ${body.paymentId} was voided already`);
      if (ledger.captured > 0)
        throw conflict('already_captured', 'Already captured', `Payment ${body.paymentId} has captures; refund instead of voiding`);
      if (body.amount.amount !== ledger.authorized)
        throw conflict('amount_mismatch', 'Amount mismatch', `A void releases the whole authorization of ${ledger.authorized}`, {
          authorized: ledger.authorized,
        });
      ledger.voided = ledger.authorized;
      return record(payment, 'void', body.amount, key);
    },

    refund(body: MoneyMovementBody, key: string): GatewayApproval {
      const payment = existing(body);
      const { ledger } = payment;
      const refundable = ledger.captured - ledger.refunded;
      if (body.amount.amount > refundable)
        throw conflict('refund_exceeds_captured', 'Refund exceeds captured amount', `At most ${refundable} can be refunded`, {
          refundable,
        });
      ledger.refunded += body.amount.amount;
      return record(payment, 'refund', body.amount, key);
    },

    /** The payment's amounts and the effects applied to it, or undefined when it was never authorized. */
    payment(paymentId: string): { readonly ledger: GatewayLedger; readonly effects: readonly SandboxEffect[] } | undefined {
      const payment = payments.get(paymentId);
      return payment === undefined ? undefined : { ledger: { ...payment.ledger }, effects: [...payment.effects] };
    },

    /** Every effect applied, in order. */
    effects(): SandboxEffect[] {
      return [...payments.values()].flatMap((p) => p.effects).sort((a, b) => a.seq - b.seq);
    },
  };
}

export type SandboxLedger = ReturnType<typeof createSandboxLedger>;
