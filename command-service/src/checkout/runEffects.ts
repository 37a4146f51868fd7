import { DomainError } from '@orderflow/domain';
import type { EventStore } from '@orderflow/platform';
import type {
  Actor,
  CheckoutEffect,
  CheckoutInput,
  CommandMetadata,
  InventoryItemCommand,
  OrderCommand,
  PaymentCommand,
} from '@orderflow/schemas';
import type { FastifyBaseLogger as Logger } from 'fastify';
import { deciders, execute, metadataFor, streams } from '../commands.js';
import { deterministicUuid, eventIdOf, type DeciderLike } from '../handling/handleCommand.js';
import { idempotencyKeyFor, type GatewayOutcome, type PaymentGateway } from '../payments/paymentGateway.js';

export const sagaActor: Actor = { role: 'system', id: 'checkout' };

/** Payment request ids of the saga's own ledger moves: one of each per order, so a repeat is recognised. */
const requestIds = { authorize: 'authorize', capture: 'capture', void: 'void', refund: 'refund' } as const;

export interface EffectContext {
  readonly store: EventStore;
  readonly gateway: PaymentGateway;
  readonly logger: Logger;
  readonly orderId: string;
}

/** An event a step's command has just appended: the next input of its checkout, handled without waiting for the log. */
export interface AppendedEvent {
  readonly type: string;
  readonly data: object;
  readonly eventId: string;
}

export interface EffectsOutcome {
  /** Gateway failures, inputs of the checkout in turn. */
  readonly failures: GatewayFailure[];
  /** What the commands appended, in order. */
  readonly appended: AppendedEvent[];
}

type GatewayFailure = Extract<CheckoutInput, { kind: 'gateway_failed' }>;

/**
 * Carries out a step's effects in order, in the active trace context (the step's span): commands and gateway calls
 * are its children. Each command's id derives from the order and the step, so issuing an effect
 * again (a redelivered input, a crash halfway) appends nothing new, and the gateway sees the same idempotency key.
 * A command the domain refuses is logged and skipped; a refused confirmation stops the step (the order was
 * cancelled meanwhile: nothing may be committed or captured, the cancel's own input compensates).
 * Returns the gateway failures and the events appended, which are inputs of the checkout in turn.
 */
export async function runEffects(context: EffectContext, effects: readonly CheckoutEffect[]): Promise<EffectsOutcome> {
  const failures: GatewayFailure[] = [];
  const appended: AppendedEvent[] = [];
  const collecting = { ...context, appended };
  for (const effect of effects) {
    try {
      const failure = await runEffect(collecting, effect);
      if (failure !== undefined) failures.push(failure);
    } catch (err) {
      if (!(err instanceof DomainError)) throw err;
      context.logger.info({ orderId: context.orderId, effect: effect.kind, code: err.code }, 'checkout effect refused');
      if (effect.kind === 'confirm_order') break;
    }
  }
  return { failures, appended };
}

type Collecting = EffectContext & { readonly appended: AppendedEvent[] };

async function issue<State, C extends { metadata: CommandMetadata }, E extends { type: string; data: object }>(
  context: Collecting,
  streamId: string,
  decider: DeciderLike<State, C, E>,
  step: string,
  body: Omit<C, 'metadata'>,
): Promise<void> {
  const commandId = deterministicUuid(`checkout\n${context.orderId}\n${step}`);
  const command = { ...body, metadata: metadataFor(commandId, sagaActor, context.orderId) } as C;
  const result = await execute(context.store, streamId, decider, command);
  result.events.forEach((event, index) =>
    context.appended.push({ type: event.type, data: event.data, eventId: eventIdOf(commandId, streamId, index) }),
  );
}

async function onInventory(context: Collecting, sku: string, step: string, body: Omit<InventoryItemCommand, 'metadata'>) {
  await issue(context, streams.inventory(sku), deciders.inventory, step, body);
}
async function onOrder(context: Collecting, step: string, body: Omit<OrderCommand, 'metadata'>) {
  await issue(context, streams.order(context.orderId), deciders.order, step, body);
}
async function onPayment(context: Collecting, step: string, body: Omit<PaymentCommand, 'metadata'>) {
  await issue(context, streams.payment(context.orderId), deciders.payment, step, body);
}

function failed(operation: GatewayFailure['operation'], outcome: GatewayOutcome): GatewayFailure | undefined {
  if (outcome.outcome === 'approved') return undefined;
  const detail =
    outcome.outcome === 'declined'
      ? `declined: ${outcome.reason}${outcome.detail === undefined ? '' : ` ${outcome.detail}`}`
      : outcome.detail;
  return { kind: 'gateway_failed', operation, outcome: outcome.outcome, detail: detail.slice(0, 500) };
}

async function runEffect(context: Collecting, effect: CheckoutEffect): Promise<GatewayFailure | undefined> {
  const { orderId, gateway } = context;
  const paymentId = orderId;
  switch (effect.kind) {
    case 'reserve': {
      const { sku, customerId, quantity, expiresAt } = effect;
      await onInventory(context, sku, `reserve:${sku}`, { type: 'ReserveStock', data: { sku, orderId, customerId, quantity, expiresAt } });
      return undefined;
    }
    case 'release':
      await onInventory(context, effect.sku, `release:${effect.sku}`, {
        type: 'ReleaseReservation',
        data: { sku: effect.sku, orderId, reason: effect.reason },
      });
      return undefined;
    case 'commit':
      await onInventory(context, effect.sku, `commit:${effect.sku}`, { type: 'CommitReservation', data: { sku: effect.sku, orderId } });
      return undefined;
    case 'return_stock':
      await onInventory(context, effect.sku, `return:${effect.sku}`, {
        type: 'AdjustStock',
        data: {
          sku: effect.sku,
          delta: effect.quantity,
          reason: 'returned',
          note: `order ${orderId} cancelled after its stock was committed`,
        },
      });
      return undefined;
    case 'confirm_order':
      await onOrder(context, 'confirm', { type: 'ConfirmOrder', data: { orderId } });
      return undefined;
    case 'cancel_order': {
      const { reason, detail } = effect;
      await onOrder(context, 'cancel', { type: 'CancelOrder', data: { orderId, reason, ...(detail === undefined ? {} : { detail }) } });
      return undefined;
    }
    case 'request_payment': {
      const { amount, paymentMethodToken } = effect;
      const data = { orderId, requestId: requestIds.authorize, amount, paymentMethodToken };
      await onPayment(context, 'request-payment', { type: 'RequestPaymentAuthorization', data });
      return undefined;
    }
    case 'authorize': {
      const { amount, paymentMethodToken } = effect;
      const idempotencyKey = idempotencyKeyFor(paymentId, 'authorize');
      const outcome = await gateway.authorize({ paymentId, amount, paymentMethodToken, idempotencyKey });
      if (outcome.outcome === 'approved') {
        const data = { orderId, requestId: requestIds.authorize, amount, gatewayReference: outcome.reference };
        await onPayment(context, 'authorized', { type: 'RecordPaymentAuthorized', data });
      } else if (outcome.outcome === 'declined') {
        const data = {
          orderId,
          requestId: requestIds.authorize,
          reason: outcome.reason,
          ...(outcome.detail === undefined ? {} : { detail: outcome.detail.slice(0, 500) }),
        };
        await onPayment(context, 'declined', { type: 'RecordPaymentDeclined', data });
      }
      return outcome.outcome === 'unavailable' ? failed('authorize', outcome) : undefined;
    }
    case 'refund': {
      // Each refund under its own request id (steps recorded before refunds had one used `refund`).
      const requestId = effect.requestId ?? requestIds.refund;
      const { amount, gatewayReference } = effect;
      const idempotencyKey =
        effect.requestId === undefined ? idempotencyKeyFor(paymentId, 'refund') : idempotencyKeyFor(paymentId, 'refund', requestId);
      const outcome = await gateway.refund({
        paymentId,
        amount,
        idempotencyKey,
        ...(gatewayReference === undefined ? {} : { gatewayReference }),
      });
      if (outcome.outcome !== 'approved') return failed('refund', outcome);
      const step = effect.requestId === undefined ? 'refund' : `refund:${requestId}`;
      await onPayment(context, step, { type: 'RefundPayment', data: { orderId, requestId, amount } });
      return undefined;
    }
    case 'capture':
    case 'void': {
      const { amount, gatewayReference } = effect;
      const request = { paymentId, amount, idempotencyKey: idempotencyKeyFor(paymentId, effect.kind) };
      const outcome = await gateway[effect.kind]({ ...request, ...(gatewayReference === undefined ? {} : { gatewayReference }) });
      const alreadyVoided = effect.kind === 'void' && outcome.outcome === 'declined' && outcome.detail?.includes('already_voided') === true;
      if (outcome.outcome !== 'approved' && !alreadyVoided) return failed(effect.kind, outcome);
      const type = ({ capture: 'CapturePayment', void: 'VoidPayment' } as const)[effect.kind];
      await onPayment(context, effect.kind, { type, data: { orderId, requestId: requestIds[effect.kind], amount } });
      return undefined;
    }
    case 'abandon_payment': {
      // Best effort: an authorization the gateway may have made without our hearing of it is voided under its own key.
      const key = idempotencyKeyFor(paymentId, 'void', 'abandon');
      const outcome = await gateway.void({ paymentId, amount: effect.amount, idempotencyKey: key });
      context.logger.info({ orderId, outcome: outcome.outcome }, 'abandoned authorization voided at the gateway (best effort)');
      const data = { orderId, requestId: requestIds.authorize, reason: 'gateway_error' as const, detail: effect.detail };
      await onPayment(context, 'abandon', { type: 'RecordPaymentDeclined', data });
      return undefined;
    }
  }
}
