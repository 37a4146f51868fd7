import { checkoutDecider } from '@orderflow/domain';
import { dropOldestBeyond, withSpanFromTraceparent, type EventStore } from '@orderflow/platform';
import { parseEvent, type CheckoutEvent, type CheckoutPolicy, type HandleCheckoutInput } from '@orderflow/schemas';
import type pg from 'pg';
import type { FastifyBaseLogger as Logger } from 'fastify';
import { execute, metadataFor } from '../commands.js';
import { deterministicUuid } from '../handling/handleCommand.js';
import type { PaymentGateway } from '../payments/paymentGateway.js';
import { routeEvent, timerInputId, type RoutedInput } from './checkoutInputs.js';
import { createStepRecorder, operatorRetryKind, type DueTimer } from './checkoutTables.js';
import { sagaMetrics } from './checkoutMetrics.js';
import { runEffects, sagaActor } from './runEffects.js';

export const checkoutStream = (orderId: string) => `checkout-${orderId}`;

export interface CheckoutHandlerDeps {
  readonly store: EventStore;
  readonly pool: pg.Pool;
  readonly gateway: PaymentGateway;
  readonly logger: Logger;
  readonly policy: CheckoutPolicy;
}

export interface CheckoutHandler {
  /** Handles one input of one checkout: decide and record (inbox/outbox), set and cancel timers, carry out the effects. */
  handle(routed: RoutedInput): Promise<void>;
  /** Timers that came due, as inputs of their checkouts. */
  fire(due: readonly DueTimer[]): Promise<void>;
}

type Step = CheckoutEvent['data'];

/**
 * The side-effecting half of the checkout: everything decided is recorded in `checkout-<orderId>` before anything is
 * done, so a crash at any point is repaired by handling the same input again — the decider recognises it and the
 * recorded effects are issued again, each idempotent by its deterministic command id or gateway idempotency key.
 * Inputs of one checkout are handled one at a time in this process (across processes, the lease of the processor).
 */
export function createCheckoutHandler(deps: CheckoutHandlerDeps): CheckoutHandler {
  const { store, pool, policy } = deps;
  const queues = new Map<string, Promise<void>>();
  /** Inputs handled straight from the step that appended their event; the log's delivery of that event is then skipped. */
  const handledInline = new Set<string>();
  const inlineKey = (routed: RoutedInput) => `${routed.orderId}\n${routed.inputId}`;
  /** Each checkout's last step recorded by this process: its phase (and reason), and its revision. */
  const recordedPhases = new Map<string, { readonly phaseKey: string; readonly revision: bigint }>();
  const recordStep = createStepRecorder(pool);

  async function serialised(orderId: string, work: () => Promise<void>): Promise<void> {
    const previous = queues.get(orderId) ?? Promise.resolve();
    const current = previous.then(work, work);
    const settled = current.catch(() => undefined);
    queues.set(orderId, settled);
    try {
      await current;
    } finally {
      if (queues.get(orderId) === settled) queues.delete(orderId);
    }
  }

  /**
   * The step recorded for `inputId` (a redelivered input), found in the checkout stream; the timers it set are kept
   * only while still live, so that repeating an old step does not bring back a timer a later step cancelled.
   */
  async function recordedStep(orderId: string, inputId: string): Promise<{ step: Step; revision: bigint } | undefined> {
    const events = await store.readStream(checkoutStream(orderId));
    let state = checkoutDecider.initialState();
    let found: { step: Step; revision: bigint } | undefined;
    for (const recorded of events) {
      const event = parseEvent(recorded) as CheckoutEvent;
      state = checkoutDecider.evolve(state, event);
      if (event.data.inputId === inputId) found = { step: event.data, revision: recorded.revision };
    }
    if (found === undefined) return undefined;
    const liveTimers = state.phase === 'none' ? [] : state.timers;
    const live = found.step.timersSet.filter((t) => liveTimers.some((l) => l.kind === t.kind && l.dueAt === t.dueAt));
    return { ...found, step: { ...found.step, timersSet: live } };
  }

  /**
   * One input in a span of the order's trace (the event's `traceparent`; a nested input, such as a gateway failure,
   * in the current span), so the commands and gateway calls of the step join the trace they continue.
   */
  function handleOne(routed: RoutedInput): Promise<void> {
    return withSpanFromTraceparent(`checkout ${routed.input.kind}`, routed.traceparent, () => decideAndAct(routed), {
      attributes: { 'orderflow.order_id': routed.orderId, 'orderflow.checkout.input': routed.inputId },
    });
  }

  async function decideAndAct(routed: RoutedInput): Promise<void> {
    const { orderId, inputId, input } = routed;
    const command: HandleCheckoutInput = {
      type: 'HandleCheckoutInput',
      data: { orderId, inputId, input, policy },
      metadata: metadataFor(deterministicUuid(`checkout-input\n${orderId}\n${inputId}`), sagaActor, orderId),
    };
    const result = await execute(store, checkoutStream(orderId), checkoutDecider, command);
    const decided = result.events[0];
    const found = decided === undefined ? await recordedStep(orderId, inputId) : { step: decided.data, revision: result.revision ?? 0n };
    if (found === undefined) return;
    const { step, revision } = found;
    if (decided !== undefined) sagaMetrics.steps.inc({ phase: step.phase });
    // Recorded, nothing done yet: the point a crash test kills at (the effects below must survive it).
    deps.logger.debug({ orderId, inputId, phase: step.phase, redelivered: decided === undefined }, 'checkout step recorded');
    const reason = 'cancellation' in step ? step.cancellation?.reason : undefined;
    // The phase row is left alone only when this process recorded the step just before this one, in the same phase
    // (most steps stay within one); otherwise — the phase moves, a repeated step, a failed record, steps recorded by
    // another process — it is written, and an older revision never overwrites a newer one in the table.
    const phaseKey = `${step.phase}\n${reason ?? ''}`;
    const previous = recordedPhases.get(orderId);
    const unchanged = decided !== undefined && previous?.phaseKey === phaseKey && previous.revision === revision - 1n;
    if (decided === undefined) recordedPhases.delete(orderId);
    // Timers before effects: an open checkout always has one that will move it, even if the effects below never run.
    const phaseRow = unchanged ? undefined : { orderId, phase: step.phase, reason, revision };
    try {
      await recordStep({ orderId, set: step.timersSet, cancelled: step.timersCancelled, phase: phaseRow });
    } catch (err) {
      recordedPhases.delete(orderId);
      throw err;
    }
    if (decided !== undefined) rememberPhase(orderId, { phaseKey, revision });
    if (step.effects.length === 0) return;
    const { failures, appended } = await runEffects({ ...deps, orderId }, step.effects);
    // A gateway failure is an input in its own right, named after the step that met it.
    for (const failure of failures)
      await handleOne({ orderId, inputId: `gw:${failure.operation}:${inputId}`.slice(0, 128), input: failure });
    // What the step's commands appended are the checkout's next inputs: handled now rather than a trip through the
    // log later, under the same input ids, so that the log's delivery is recognised. A crash in between loses
    // nothing: the log still delivers them (and the decider recognises whatever was recorded).
    for (const event of appended) {
      const next = routeEvent(event as Parameters<typeof routeEvent>[0], event.eventId);
      if (next?.orderId !== orderId) continue;
      await handleOne(next);
      rememberInline(inlineKey(next));
    }
  }

  function rememberInline(key: string): void {
    handledInline.add(key);
    // Bounded: a log delivery that never comes (another process took the lease) must not keep its key forever.
    dropOldestBeyond(handledInline, 100_000);
  }

  function rememberPhase(orderId: string, recorded: { readonly phaseKey: string; readonly revision: bigint }): void {
    recordedPhases.delete(orderId); // re-inserted last: the oldest entry is the least recently moved checkout
    recordedPhases.set(orderId, recorded);
    dropOldestBeyond(recordedPhases, 100_000);
  }

  return {
    handle: (routed) => serialised(routed.orderId, () => (handledInline.delete(inlineKey(routed)) ? Promise.resolve() : handleOne(routed))),
    async fire(due) {
      await Promise.all(
        due.map(({ orderId, kind, dueAt }) =>
          serialised(orderId, () =>
            kind === operatorRetryKind
              ? handleOne({ orderId, inputId: `op:retry:${Date.parse(dueAt)}`, input: { kind: 'operator_retry' } })
              : handleOne({ orderId, inputId: timerInputId({ kind, dueAt }), input: { kind: 'timer_fired', timer: { kind, dueAt } } }),
          ),
        ),
      );
    },
  };
}
