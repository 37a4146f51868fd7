import type {
  CancellationReason,
  CheckoutEffect,
  CheckoutEvent,
  CheckoutInput,
  CheckoutPhase,
  CheckoutPolicy,
  CheckoutTimer,
  HandleCheckoutInput,
} from '@orderflow/schemas';
import type { Decider } from '../shared/decider.js';
import { addMillis } from './addMillis.js';
import { applyInput, type Checkout, evolve, initialState, isCompleted, isSettled, type CheckoutState } from './checkout.js';
import {
  authorizeEffect,
  backoff,
  compensationEffects,
  completionEffects,
  lineCompensation,
  paymentCompensation,
  refundEffects,
  reserveEffects,
} from './effects.js';

/** A decision: the phase after the input, what to issue, which timers to set and cancel. */
interface Step {
  readonly phase: CheckoutPhase;
  readonly effects: readonly CheckoutEffect[];
  readonly set: readonly CheckoutTimer[];
  readonly cancel: readonly CheckoutTimer[];
  readonly cancellation?: { readonly reason: CancellationReason; readonly detail?: string };
}

interface Context {
  readonly now: string;
  readonly policy: CheckoutPolicy;
  readonly input: CheckoutInput;
}

const timer = (kind: CheckoutTimer['kind'], dueAt: string): CheckoutTimer => ({ kind, dueAt });
const timersOf = (checkout: Checkout, kind?: CheckoutTimer['kind']) => checkout.timers.filter((t) => kind === undefined || t.kind === kind);
const stay = (checkout: Checkout, effects: readonly CheckoutEffect[] = []): Step => ({
  phase: checkout.phase,
  effects,
  set: [],
  cancel: [],
});

/** A new retry timer in place of the live ones. */
function rearm(checkout: Checkout, dueAt: string): Pick<Step, 'set' | 'cancel'> {
  return { set: [timer('retry', dueAt)], cancel: timersOf(checkout, 'retry') };
}

/** Decides to cancel: everything held is given back; the phase stays `compensating` until the echoes say it is. */
function compensate(checkout: Checkout, { now, policy }: Context, reason: CancellationReason, detail?: string): Step {
  const cancellation = checkout.cancellation ?? { reason, ...(detail === undefined ? {} : { detail }) };
  const effects = compensationEffects(checkout, cancellation.reason, cancellation.detail);
  if (isSettled(checkout)) return { phase: 'cancelled', effects, set: [], cancel: checkout.timers, cancellation };
  return {
    phase: 'compensating',
    effects,
    set: [timer('retry', addMillis(now, policy.settleAfterMs))],
    cancel: checkout.timers,
    cancellation,
  };
}

function cancelledBy(input: Extract<CheckoutInput, { kind: 'order_cancelled' }>): string {
  return `order cancelled by ${input.by} (${input.reason})`;
}

/** Reservations issued, waiting for every line's answer. */
function reserving(checkout: Checkout, context: Context): Step {
  const { input, now, policy } = context;
  switch (input.kind) {
    case 'stock_reserved':
      if (!Object.values(checkout.lines).every((s) => s === 'reserved')) return stay(checkout);
      return {
        phase: 'authorizing',
        effects: [
          { kind: 'request_payment', amount: checkout.facts.total, paymentMethodToken: checkout.facts.paymentMethodToken },
          authorizeEffect(checkout.facts),
        ],
        set: [timer('payment', addMillis(now, policy.paymentTimeoutMs))],
        cancel: [],
      };
    case 'reservation_rejected':
      return compensate(
        checkout,
        context,
        'out_of_stock',
        `${input.sku}: ${input.requested} requested, ${input.available} available (${input.reason})`,
      );
    case 'timer_fired':
      if (input.timer.kind === 'reservation') return compensate(checkout, context, 'reservation_expired');
      return stay(
        checkout,
        reserveEffects(checkout.facts, policy, (sku) => checkout.lines[sku] === 'pending'),
      );
    case 'operator_retry':
      return stay(
        checkout,
        reserveEffects(checkout.facts, policy, (sku) => checkout.lines[sku] === 'pending'),
      );
    default:
      return common(checkout, context);
  }
}

/** Authorization asked of the gateway, within the payment timeout. */
function authorizing(checkout: Checkout, context: Context): Step {
  const { input, now, policy } = context;
  switch (input.kind) {
    case 'payment_authorized':
      return {
        phase: 'completing',
        effects: completionEffects(checkout),
        set: [timer('retry', addMillis(now, policy.settleAfterMs))],
        cancel: checkout.timers,
      };
    case 'payment_declined':
      return compensate(checkout, context, 'payment_declined', `payment declined: ${input.reason}`);
    case 'gateway_failed':
      return { phase: 'authorizing', effects: [], ...rearm(checkout, addMillis(now, backoff(policy, checkout.attempts))) };
    case 'timer_fired':
      if (input.timer.kind === 'payment')
        return compensate(checkout, context, 'payment_timeout', `no answer from the payment gateway within ${policy.paymentTimeoutMs} ms`);
      if (input.timer.kind === 'reservation') return compensate(checkout, context, 'reservation_expired');
      return stay(checkout, [authorizeEffect(checkout.facts)]);
    case 'operator_retry':
      return stay(checkout, [authorizeEffect(checkout.facts)]);
    default:
      return common(checkout, context);
  }
}

/** Authorized: confirming, committing and capturing. Capture failures back off, then go to operators. */
function completing(checkout: Checkout, context: Context): Step {
  const { input, now, policy } = context;
  if (isCompleted(checkout)) return { phase: 'completed', effects: [], set: [], cancel: checkout.timers };
  switch (input.kind) {
    case 'gateway_failed':
      if (input.operation !== 'capture') return stay(checkout);
      if (checkout.captureFailures >= policy.maxCaptureAttempts)
        return { phase: 'attention', effects: [], set: [], cancel: checkout.timers };
      return { phase: 'completing', effects: [], ...rearm(checkout, addMillis(now, backoff(policy, checkout.captureFailures - 1))) };
    case 'timer_fired':
    case 'operator_retry':
      return { phase: 'completing', effects: completionEffects(checkout), ...rearm(checkout, addMillis(now, policy.settleAfterMs)) };
    default:
      return common(checkout, context);
  }
}

/** Cancel decided: every fact that arrives late (a reservation, an authorization, a capture) is given back too. */
function compensating(checkout: Checkout, context: Context): Step {
  const { input, now, policy } = context;
  const reason = checkout.cancellation?.reason ?? 'operator';
  const phase = isSettled(checkout) ? 'cancelled' : 'compensating';
  const retry = timersOf(checkout, 'retry');
  // Open means a live retry timer, also when a late fact (a reservation, an authorization) reopens a settled checkout.
  const keepTimers =
    phase === 'cancelled'
      ? { set: [], cancel: checkout.timers }
      : retry.length === 0
        ? { set: [timer('retry', addMillis(now, policy.settleAfterMs))], cancel: [] }
        : { set: [], cancel: [] };
  switch (input.kind) {
    case 'timer_fired':
    case 'operator_retry':
      if (phase === 'cancelled') return { phase, effects: [], ...keepTimers };
      return { phase, effects: compensationEffects(checkout, reason), ...rearm(checkout, addMillis(now, policy.settleAfterMs)) };
    case 'stock_reserved':
    case 'reservation_committed':
      return { phase, effects: lineCompensation(checkout, reason, (sku) => sku === input.sku), ...keepTimers };
    case 'payment_authorized':
    case 'payment_captured':
      return { phase, effects: paymentCompensation(checkout), ...keepTimers };
    default:
      return { phase, effects: [], ...keepTimers };
  }
}

/** Completed: the confirmed order's refunds are moved at the gateway, retried with backoff when it fails. */
function completed(checkout: Checkout, context: Context): Step {
  const { input, now, policy } = context;
  const pending = Object.keys(checkout.refunds).length > 0;
  switch (input.kind) {
    case 'gateway_failed':
      if (input.operation !== 'refund' || !pending) return stay(checkout);
      return { phase: 'completed', effects: [], ...rearm(checkout, addMillis(now, backoff(policy, checkout.attempts))) };
    case 'timer_fired':
    case 'operator_retry':
      if (!pending) return { phase: 'completed', effects: [], set: [], cancel: timersOf(checkout, 'retry') };
      return { phase: 'completed', effects: refundEffects(checkout), ...rearm(checkout, addMillis(now, policy.settleAfterMs)) };
    default:
      return common(checkout, context);
  }
}

/** Inputs every open phase answers alike. */
function common(checkout: Checkout, context: Context): Step {
  const { input } = context;
  if (input.kind === 'order_cancelled') return compensate(checkout, context, input.reason, cancelledBy(input));
  if (input.kind === 'order_refunded') return stay(checkout, refundEffects(checkout, input.refundId));
  if (input.kind === 'reservation_released' && checkout.phase !== 'completed')
    return compensate(checkout, context, 'reservation_expired', `reservation of ${input.sku} ended outside the checkout`);
  return stay(checkout);
}

function transition(checkout: Checkout, context: Context): Step {
  switch (checkout.phase) {
    case 'reserving':
      return reserving(checkout, context);
    case 'authorizing':
      return authorizing(checkout, context);
    case 'completing':
      return completing(checkout, context);
    case 'compensating':
    case 'cancelled':
      return compensating(checkout, context);
    case 'completed':
      return completed(checkout, context);
    case 'attention':
      if (context.input.kind === 'operator_retry')
        return {
          phase: 'completing',
          effects: completionEffects(checkout),
          ...rearm(checkout, addMillis(context.now, context.policy.settleAfterMs)),
        };
      return common(checkout, context);
  }
}

/** OrderPlaced: reserve every line, SKUs in sorted order, and start the reservation-expiry timer. */
function start({ data, metadata }: HandleCheckoutInput): CheckoutEvent[] {
  const { orderId, inputId, input, policy } = data;
  if (input.kind !== 'order_placed') return [];
  const lines = [...input.lines].sort((a, b) => (a.sku < b.sku ? -1 : a.sku > b.sku ? 1 : 0));
  const reservationDueAt = addMillis(metadata.now, policy.reservationTtlMs);
  const facts = { orderId, customerId: input.customerId, lines, total: input.total, paymentMethodToken: input.paymentMethodToken };
  return [
    {
      type: 'CheckoutStarted',
      data: {
        ...facts,
        inputId,
        phase: 'reserving',
        effects: reserveEffects({ ...facts, reservationDueAt }, policy),
        timersSet: [timer('reservation', reservationDueAt)],
        timersCancelled: [],
      },
    },
  ];
}

/**
 * Reacts to one input. An input already handled (the same `inputId`) and a timer no longer live change nothing:
 * the worker then issues the effects recorded for that input again, which are idempotent by their command ids.
 */
export function decide(command: HandleCheckoutInput, state: CheckoutState): CheckoutEvent[] {
  if (state.phase === 'none') return start(command);
  const { orderId, inputId, input, policy } = command.data;
  if (state.outbox[inputId] !== undefined || input.kind === 'order_placed') return [];
  if (input.kind === 'timer_fired' && !state.timers.some((t) => t.kind === input.timer.kind && t.dueAt === input.timer.dueAt)) return [];
  const checkout = applyInput(state, input);
  const step = transition(checkout, { now: command.metadata.now, policy, input });
  const consumed = input.kind === 'timer_fired' && !step.cancel.some((t) => t.dueAt === input.timer.dueAt && t.kind === input.timer.kind);
  return [
    {
      type: 'CheckoutAdvanced',
      data: {
        orderId,
        inputId,
        input,
        phase: step.phase,
        effects: [...step.effects],
        timersSet: [...step.set],
        timersCancelled: [...step.cancel, ...(consumed ? [input.timer] : [])],
        ...(step.cancellation === undefined || state.cancellation !== undefined ? {} : { cancellation: step.cancellation }),
      },
    },
  ];
}

/** The checkout process (`checkout-<orderId>`): its own inbox and outbox, decided without I/O. */
export const checkoutDecider: Decider<CheckoutState, HandleCheckoutInput, CheckoutEvent> = { decide, evolve, initialState };
