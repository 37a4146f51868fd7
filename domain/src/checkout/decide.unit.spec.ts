import type { CheckoutEvent } from '@orderflow/schemas';
import { describe, expect, it } from 'vitest';
import { deciderSpecification } from '../testing/deciderSpecification.js';
import { addMillis } from './addMillis.js';
import {
  advanced,
  eur,
  history,
  input,
  paymentTimer,
  placed,
  reservationTimer,
  settleTimer,
  started,
  t0,
  token,
  total,
} from './checkoutFixtures.js';
import { checkoutDecider } from './decide.js';

const spec = deciderSpecification(checkoutDecider);
const { capReserved, allReserved, authorized } = history;
const gatewayDown = { kind: 'gateway_failed', operation: 'capture', outcome: 'unavailable', detail: 'HTTP 503' } as const;
const completion = [
  { kind: 'confirm_order' },
  { kind: 'commit', sku: 'CAP-1' },
  { kind: 'commit', sku: 'SNEAKER-42' },
  { kind: 'capture', amount: total, gatewayReference: 'auth_1' },
] as const;

describe('Checkout', () => {
  describe('not started', () => {
    it('reserves every line in SKU order on OrderPlaced and starts the reservation-expiry timer', () => {
      spec
        .given([])
        .when(input(placed, { inputId: 'placed' }))
        .then([started]);
    });
    it('ignores anything but OrderPlaced', () => {
      spec
        .given([])
        .when(input({ kind: 'stock_reserved', sku: 'CAP-1' }))
        .thenNothingHappened();
    });
  });

  describe('reserving', () => {
    const given = spec.given([started]);

    it('waits while a line is still unanswered', () => {
      given.when(input({ kind: 'stock_reserved', sku: 'CAP-1' }, { inputId: 'r-cap' })).then([capReserved]);
    });
    it('asks for the payment once every line is reserved, with a payment timeout', () => {
      spec
        .given([started, capReserved])
        .when(input({ kind: 'stock_reserved', sku: 'SNEAKER-42' }, { inputId: 'r-sneaker' }))
        .then([allReserved]);
    });
    it('releases what was reserved and cancels as out_of_stock, naming the SKU and what is available', () => {
      const rejected = {
        kind: 'reservation_rejected',
        sku: 'SNEAKER-42',
        reason: 'insufficient_stock',
        requested: 2,
        available: 1,
      } as const;
      const detail = 'SNEAKER-42: 2 requested, 1 available (insufficient_stock)';
      spec
        .given([started, capReserved])
        .when(input(rejected, { inputId: 'rej' }))
        .then([
          advanced('rej', rejected, {
            phase: 'compensating',
            effects: [
              { kind: 'cancel_order', reason: 'out_of_stock', detail },
              { kind: 'release', sku: 'CAP-1', reason: 'out_of_stock' },
            ],
            timersSet: [settleTimer],
            timersCancelled: [reservationTimer],
            cancellation: { reason: 'out_of_stock', detail },
          }),
        ]);
    });
    it('cancels as reservation_expired when the reservation timer fires', () => {
      const fired = { kind: 'timer_fired', timer: reservationTimer } as const;
      given.when(input(fired, { inputId: 'exp', now: reservationTimer.dueAt })).then([
        advanced('exp', fired, {
          phase: 'compensating',
          effects: [{ kind: 'cancel_order', reason: 'reservation_expired' }],
          timersSet: [{ kind: 'retry', dueAt: addMillis(reservationTimer.dueAt, 30_000) }],
          timersCancelled: [reservationTimer],
          cancellation: { reason: 'reservation_expired' },
        }),
      ]);
    });
    it('handles a redelivered input once', () => {
      spec
        .given([started, capReserved])
        .when(input({ kind: 'stock_reserved', sku: 'CAP-1' }, { inputId: 'r-cap' }))
        .thenNothingHappened();
    });
    it('treats a timer that is no longer live as a no-op', () => {
      given.when(input({ kind: 'timer_fired', timer: { kind: 'payment', dueAt: t0 } })).thenNothingHappened();
    });
  });

  describe('authorizing', () => {
    const given = spec.given([started, capReserved, allReserved]);

    it('confirms, commits every line and captures once authorized', () => {
      const value = { kind: 'payment_authorized', amount: total, gatewayReference: 'auth_1' } as const;
      given.when(input(value, { inputId: 'auth' })).then([advanced('auth', value, { ...authorizedStep(), effects: [...completion] })]);
    });
    it('releases and cancels as payment_declined on a decline', () => {
      const value = { kind: 'payment_declined', reason: 'insufficient_funds' } as const;
      const detail = 'payment declined: insufficient_funds';
      given.when(input(value, { inputId: 'dec' })).then([
        advanced('dec', value, {
          phase: 'compensating',
          effects: [
            { kind: 'cancel_order', reason: 'payment_declined', detail },
            { kind: 'release', sku: 'CAP-1', reason: 'payment_declined' },
            { kind: 'release', sku: 'SNEAKER-42', reason: 'payment_declined' },
          ],
          timersSet: [settleTimer],
          timersCancelled: [reservationTimer, paymentTimer],
          cancellation: { reason: 'payment_declined', detail },
        }),
      ]);
    });
    it('retries an unavailable gateway with backoff, within the payment timeout', () => {
      const down = { ...gatewayDown, operation: 'authorize' } as const;
      const retry = { kind: 'retry', dueAt: addMillis(t0, 1_000) } as const;
      given.when(input(down, { inputId: 'down' })).then([advanced('down', down, { phase: 'authorizing', timersSet: [retry] })]);
      spec
        .given([started, capReserved, allReserved, advanced('down', down, { phase: 'authorizing', timersSet: [retry] })])
        .when(input({ kind: 'timer_fired', timer: retry }, { inputId: 'again', now: retry.dueAt }))
        .then([
          advanced(
            'again',
            { kind: 'timer_fired', timer: retry },
            { phase: 'authorizing', effects: [{ kind: 'authorize', amount: total, paymentMethodToken: token }], timersCancelled: [retry] },
          ),
        ]);
    });
    it('abandons the authorization and cancels as payment_timeout when the payment timer fires', () => {
      const fired = { kind: 'timer_fired', timer: paymentTimer } as const;
      const [event] = checkoutDecider.decide(
        input(fired, { inputId: 'timeout', now: paymentTimer.dueAt }),
        [started, capReserved, allReserved].reduce(checkoutDecider.evolve, checkoutDecider.initialState()),
      );
      expect(event?.data).toMatchObject({
        phase: 'compensating',
        cancellation: { reason: 'payment_timeout' },
        effects: [
          { kind: 'cancel_order', reason: 'payment_timeout' },
          { kind: 'release', sku: 'CAP-1' },
          { kind: 'release', sku: 'SNEAKER-42' },
          { kind: 'abandon_payment', amount: total },
        ],
      });
    });
    it('gives everything back when the customer cancels', () => {
      const cancel = { kind: 'order_cancelled', reason: 'customer_request', by: 'customer' } as const;
      const [event] = checkoutDecider.decide(
        input(cancel),
        [started, capReserved, allReserved].reduce(checkoutDecider.evolve, checkoutDecider.initialState()),
      );
      expect(event?.data.effects.map((e) => e.kind)).toEqual(['release', 'release', 'abandon_payment']);
    });
  });

  describe('completing', () => {
    const given = spec.given([started, capReserved, allReserved, authorized]);
    const echoes = [
      advanced('c', { kind: 'order_confirmed' }, { phase: 'completing' }),
      advanced('k1', { kind: 'reservation_committed', sku: 'CAP-1' }, { phase: 'completing' }),
      advanced('k2', { kind: 'reservation_committed', sku: 'SNEAKER-42' }, { phase: 'completing' }),
    ];

    it('completes when the capture is recorded after confirmation and commits', () => {
      const captured = { kind: 'payment_captured', amount: total } as const;
      spec
        .given([started, capReserved, allReserved, authorized, ...echoes])
        .when(input(captured, { inputId: 'cap' }))
        .then([advanced('cap', captured, { phase: 'completed', timersCancelled: [settleTimer] })]);
    });
    it('retries a failed capture with backoff, then raises the order to operators keeping the authorization', () => {
      const events = [started, capReserved, allReserved, authorized, ...echoes];
      const state = (extra: typeof events) => [...events, ...extra].reduce(checkoutDecider.evolve, checkoutDecider.initialState());
      const first = checkoutDecider.decide(input(gatewayDown), state([]));
      expect(first[0]?.data).toMatchObject({ phase: 'completing', timersSet: [{ kind: 'retry', dueAt: addMillis(t0, 1_000) }] });
      const second = checkoutDecider.decide(input(gatewayDown), state(first));
      expect(second[0]?.data).toMatchObject({ phase: 'completing', timersSet: [{ kind: 'retry', dueAt: addMillis(t0, 2_000) }] });
      const third = checkoutDecider.decide(input(gatewayDown), state([...first, ...second]));
      expect(third[0]?.data).toMatchObject({ phase: 'attention', effects: [], timersSet: [] });
      const raised = state([...first, ...second, ...third]);
      expect(raised.phase === 'none' ? undefined : [raised.payment, raised.timers]).toEqual([
        { status: 'authorized', authorized: total.amount, captured: 0, voided: 0, refunded: 0, gatewayReference: 'auth_1' },
        [],
      ]);
      const retried = checkoutDecider.decide(input({ kind: 'operator_retry' }), raised);
      expect(retried[0]?.data).toMatchObject({ phase: 'completing', effects: [{ kind: 'capture', amount: total }] });
    });
    it('voids and returns stock when the customer cancels after authorization', () => {
      const cancel = { kind: 'order_cancelled', reason: 'customer_request', by: 'customer' } as const;
      const [event] = checkoutDecider.decide(
        input(cancel),
        [started, capReserved, allReserved, authorized, ...echoes].reduce(checkoutDecider.evolve, checkoutDecider.initialState()),
      );
      expect(event?.data).toMatchObject({
        phase: 'compensating',
        effects: [
          { kind: 'return_stock', sku: 'CAP-1', quantity: 1 },
          { kind: 'return_stock', sku: 'SNEAKER-42', quantity: 2 },
          { kind: 'void', amount: total },
        ],
      });
    });
    it('re-issues what is outstanding when its watchdog fires', () => {
      const fired = { kind: 'timer_fired', timer: settleTimer } as const;
      given.when(input(fired, { inputId: 'w', now: settleTimer.dueAt })).then([
        advanced('w', fired, {
          phase: 'completing',
          effects: [...completion],
          timersSet: [{ kind: 'retry', dueAt: addMillis(settleTimer.dueAt, 30_000) }],
          timersCancelled: [settleTimer],
        }),
      ]);
    });
  });

  describe('compensating', () => {
    const cancel = { kind: 'order_cancelled', reason: 'customer_request', by: 'customer' } as const;
    const cancelled = checkoutDecider.decide(
      input(cancel, { inputId: 'cx' }),
      [started, capReserved].reduce(checkoutDecider.evolve, checkoutDecider.initialState()),
    );
    const base = [started, capReserved, ...cancelled];

    it('releases a reservation that arrives after the cancel', () => {
      const late = { kind: 'stock_reserved', sku: 'SNEAKER-42' } as const;
      const [event] = checkoutDecider.decide(input(late), base.reduce(checkoutDecider.evolve, checkoutDecider.initialState()));
      expect(event?.data).toMatchObject({
        phase: 'compensating',
        effects: [{ kind: 'release', sku: 'SNEAKER-42', reason: 'customer_request' }],
      });
    });
    it('is cancelled once every release is seen, its timers gone', () => {
      const released = { kind: 'reservation_released', sku: 'CAP-1' } as const;
      const state = base.reduce(checkoutDecider.evolve, checkoutDecider.initialState());
      const decided = checkoutDecider.decide(input(released), state);
      expect(decided[0]?.data).toMatchObject({ phase: 'cancelled', effects: [], timersSet: [] });
      const after = [...base, ...decided].reduce(checkoutDecider.evolve, checkoutDecider.initialState());
      expect(after.phase === 'none' ? undefined : after.timers).toEqual([]);
    });
    it('sets a retry timer when a reservation made after a settled cancel reopens it', () => {
      const early = checkoutDecider.decide(
        input(cancel, { inputId: 'cx0' }),
        [started].reduce(checkoutDecider.evolve, checkoutDecider.initialState()),
      );
      expect(early[0]?.data).toMatchObject({ phase: 'cancelled', timersSet: [] });
      const late = { kind: 'stock_reserved', sku: 'CAP-1' } as const;
      const [event] = checkoutDecider.decide(
        input(late),
        [started, ...early].reduce(checkoutDecider.evolve, checkoutDecider.initialState()),
      );
      expect(event?.data).toMatchObject({
        phase: 'compensating',
        effects: [{ kind: 'release', sku: 'CAP-1', reason: 'customer_request' }],
        timersSet: [{ kind: 'retry', dueAt: addMillis(t0, 30_000) }],
      });
    });
    it('refunds a capture recorded after the cancel', () => {
      const decided = checkoutDecider.decide(
        input({ kind: 'order_cancelled', reason: 'operator', by: 'admin' }),
        [started, capReserved, allReserved, authorized].reduce(checkoutDecider.evolve, checkoutDecider.initialState()),
      );
      const state = [started, capReserved, allReserved, authorized, ...decided].reduce(
        checkoutDecider.evolve,
        checkoutDecider.initialState(),
      );
      const [late] = checkoutDecider.decide(input({ kind: 'payment_captured', amount: eur(25_999) }), state);
      expect(late?.data.effects).toEqual([{ kind: 'refund', amount: total, gatewayReference: 'auth_1', requestId: 'cancel-0-25999' }]);
    });
  });

  describe('completed', () => {
    const captured = { kind: 'payment_captured', amount: total } as const;
    const done = [
      started,
      capReserved,
      allReserved,
      authorized,
      advanced('c', { kind: 'order_confirmed' }, { phase: 'completing' }),
      advanced('k1', { kind: 'reservation_committed', sku: 'CAP-1' }, { phase: 'completing' }),
      advanced('k2', { kind: 'reservation_committed', sku: 'SNEAKER-42' }, { phase: 'completing' }),
    ];
    const fold = (events: readonly CheckoutEvent[]) => events.reduce(checkoutDecider.evolve, checkoutDecider.initialState());
    const completedHistory = [...done, ...checkoutDecider.decide(input(captured), fold(done))];
    const refund = (refundId: string, amount: number) => ({ kind: 'order_refunded', refundId, amount: eur(amount) }) as const;

    it('moves each partial refund of the order at the gateway under its own request id', () => {
      const first = checkoutDecider.decide(input(refund('refund-a', 1_000)), fold(completedHistory));
      expect(first[0]?.data).toMatchObject({
        phase: 'completed',
        effects: [{ kind: 'refund', amount: eur(1_000), gatewayReference: 'auth_1', requestId: 'refund-a' }],
      });
      const second = checkoutDecider.decide(input(refund('refund-b', 1_000)), fold([...completedHistory, ...first]));
      expect(second[0]?.data.effects).toEqual([{ kind: 'refund', amount: eur(1_000), gatewayReference: 'auth_1', requestId: 'refund-b' }]);
    });
    it('retries a refund the gateway failed with backoff until its echo is seen, then lets the retry timer go', () => {
      const asked = [...completedHistory, ...checkoutDecider.decide(input(refund('refund-a', 500)), fold(completedHistory))];
      const down = { kind: 'gateway_failed', operation: 'refund', outcome: 'unavailable', detail: 'HTTP 503' } as const;
      const failed = checkoutDecider.decide(input(down), fold(asked));
      expect(failed[0]?.data).toMatchObject({ phase: 'completed', effects: [], timersSet: [{ kind: 'retry' }] });
      const retry = failed[0]?.data.timersSet[0];
      if (retry === undefined) throw new Error('no retry timer');
      const fired = { kind: 'timer_fired', timer: retry } as const;
      const again = checkoutDecider.decide(input(fired), fold([...asked, ...failed]));
      expect(again[0]?.data.effects).toEqual([{ kind: 'refund', amount: eur(500), gatewayReference: 'auth_1', requestId: 'refund-a' }]);
      const echoed = [...asked, ...failed, ...again];
      const seen = checkoutDecider.decide(input({ kind: 'payment_refunded', amount: eur(500), requestId: 'refund-a' }), fold(echoed));
      const next = again[0]?.data.timersSet[0];
      if (next === undefined) throw new Error('no rearmed timer');
      const idle = checkoutDecider.decide(input({ kind: 'timer_fired', timer: next }), fold([...echoed, ...seen]));
      expect(idle[0]?.data).toMatchObject({ phase: 'completed', effects: [], timersCancelled: [next] });
    });
    it('refunds what is left of the capture, under a new request id, when cancelled after a partial refund', () => {
      const refunded = [
        ...completedHistory,
        ...checkoutDecider.decide(input({ kind: 'payment_refunded', amount: eur(1_000), requestId: 'refund-a' }), fold(completedHistory)),
      ];
      const [event] = checkoutDecider.decide(input({ kind: 'order_cancelled', reason: 'operator', by: 'admin' }), fold(refunded));
      expect(event?.data.effects).toContainEqual({
        kind: 'refund',
        amount: eur(total.amount - 1_000),
        gatewayReference: 'auth_1',
        requestId: `cancel-1000-${total.amount}`,
      });
    });
  });
});

function authorizedStep() {
  return { phase: 'completing' as const, timersSet: [settleTimer], timersCancelled: [reservationTimer, paymentTimer] };
}
