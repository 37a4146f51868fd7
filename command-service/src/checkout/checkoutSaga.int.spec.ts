import { describeWith } from '@orderflow/platform/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deciders, execute, metadataFor, streams } from '../commands.js';
import { checkoutOperators } from './checkoutOperators.js';
import { createCheckoutRig, type CheckoutRig } from './checkoutTesting.js';

describeWith('postgres', 'checkout saga', (use) => {
  let rig: CheckoutRig;
  beforeAll(async () => {
    rig = await createCheckoutRig(use().url);
    // A long payment timeout, so that no order times out because the machine stalled; the test of the timeout itself
    // shortens it.
    await rig.start({ policy: { paymentTimeoutMs: 60_000 } });
  });
  afterAll(async () => {
    await rig.close();
  });

  const order = (orderId: string) => rig.order(orderId);
  const payment = (orderId: string) => rig.payment(orderId);
  const stock = (sku: string) => rig.stock(sku);
  const effectsAtGateway = (orderId: string) => rig.sandbox.ledger.payment(orderId)?.effects.map((e) => e.operation) ?? [];
  const cancelAsCustomer = (orderId: string) => rig.cancelAsCustomer(orderId);

  describe('happy path', () => {
    it('reserves every line, authorizes, confirms, commits and captures', async () => {
      await rig.registerSku('HAPPY-A', 10, 1_500);
      await rig.registerSku('HAPPY-B', 10, 2_000);
      const orderId = await rig.placeOrder([
        { sku: 'HAPPY-B', quantity: 2 },
        { sku: 'HAPPY-A', quantity: 1 },
      ]);
      expect(await rig.waitFor(orderId)).toBe('completed');
      expect((await order(orderId)).status).toBe('confirmed');
      const paid = await payment(orderId);
      expect(paid.status === 'authorized' ? paid.ledger : undefined).toMatchObject({ authorized: 5_500, captured: 5_500 });
      expect(await stock('HAPPY-A')).toEqual({ onHand: 9, available: 9 });
      expect(await stock('HAPPY-B')).toEqual({ onHand: 8, available: 8 });
      expect(effectsAtGateway(orderId)).toEqual(['authorize', 'capture']);
      expect(await rig.eventTypes(`checkout-${orderId}`)).toContain('CheckoutStarted');
      const timers = await rig.pool.query('select * from checkout.timers where order_id = $1', [orderId]);
      expect(timers.rows).toEqual([]);
    });
  });

  describe('stock', () => {
    it('cancels as out_of_stock naming the SKU and what is available', async () => {
      await rig.registerSku('SCARCE-1', 1);
      const orderId = await rig.placeOrder([{ sku: 'SCARCE-1', quantity: 2 }]);
      expect(await rig.waitFor(orderId)).toBe('cancelled');
      const cancelled = await order(orderId);
      expect(cancelled).toMatchObject({ status: 'cancelled', reason: 'out_of_stock', by: 'system' });
      const events = await rig.store.readStream(streams.order(orderId));
      expect(events.at(-1)?.data).toMatchObject({ detail: expect.stringMatching(/SCARCE-1: 2 requested, 1 available/) as unknown });
      expect(effectsAtGateway(orderId)).toEqual([]);
    });

    it('releases the lines it reserved when another line is out of stock', async () => {
      await rig.registerSku('PARTIAL-A', 5);
      await rig.registerSku('PARTIAL-B', 5);
      await rig.registerSku('PARTIAL-C', 1);
      const orderId = await rig.placeOrder([
        { sku: 'PARTIAL-C', quantity: 3 },
        { sku: 'PARTIAL-A', quantity: 2 },
        { sku: 'PARTIAL-B', quantity: 1 },
      ]);
      expect(await rig.waitFor(orderId)).toBe('cancelled');
      expect(await order(orderId)).toMatchObject({ status: 'cancelled', reason: 'out_of_stock' });
      for (const sku of ['PARTIAL-A', 'PARTIAL-B']) {
        const types = await rig.eventTypes(streams.inventory(sku));
        expect(types.slice(-2)).toEqual(['StockReserved', 'ReservationReleased']);
      }
      expect(await stock('PARTIAL-A')).toEqual({ onHand: 5, available: 5 });
      expect((await rig.eventTypes(streams.inventory('PARTIAL-C'))).at(-1)).toBe('ReservationRejected');
    });
  });

  describe('payment', () => {
    it('releases and cancels as payment_declined on a decline', async () => {
      await rig.registerSku('DECLINE-1', 5);
      const orderId = await rig.placeOrder([{ sku: 'DECLINE-1', quantity: 1 }], 'tok_insufficient_funds');
      expect(await rig.waitFor(orderId)).toBe('cancelled');
      expect(await order(orderId)).toMatchObject({ status: 'cancelled', reason: 'payment_declined' });
      expect(await payment(orderId)).toMatchObject({ status: 'declined', reason: 'insufficient_funds' });
      expect(await stock('DECLINE-1')).toEqual({ onHand: 5, available: 5 });
    });

    it('cancels as payment_timeout when the gateway never answers within the payment timeout', async () => {
      await rig.worker?.stop();
      await rig.start({ policy: { paymentTimeoutMs: 4_000 } });
      try {
        await rig.registerSku('TIMEOUT-1', 5);
        const orderId = await rig.placeOrder([{ sku: 'TIMEOUT-1', quantity: 1 }], 'tok_timeout');
        expect(await rig.waitFor(orderId)).toBe('cancelled');
        expect(await order(orderId)).toMatchObject({ status: 'cancelled', reason: 'payment_timeout' });
        expect(await payment(orderId)).toMatchObject({ status: 'declined', reason: 'gateway_error' });
        expect(await stock('TIMEOUT-1')).toEqual({ onHand: 5, available: 5 });
        expect(effectsAtGateway(orderId)).toEqual([]);
      } finally {
        await rig.worker?.stop();
        await rig.start({ policy: { paymentTimeoutMs: 60_000 } });
      }
    });

    it('retries a failing capture, raises the order to operators keeping the authorization, and an operator cancel voids it', async () => {
      await rig.registerSku('CAPFAIL-1', 5);
      const orderId = await rig.placeOrder([{ sku: 'CAPFAIL-1', quantity: 1 }], 'tok_capture_error');
      expect(await rig.waitFor(orderId)).toBe('attention');
      expect((await order(orderId)).status).toBe('confirmed');
      const held = await payment(orderId);
      expect(held.status === 'authorized' ? held.ledger : undefined).toMatchObject({ authorized: 1_000, captured: 0, voided: 0 });
      const captures = rig.sandbox.requests({ paymentId: orderId }).filter((r) => r.operation === 'capture');
      expect(captures.length).toBeGreaterThanOrEqual(3);
      expect((await checkoutOperators.list(rig.pool, { stuck: true })).map((r) => r.orderId)).toContain(orderId);

      await checkoutOperators.retry(rig.pool, orderId);
      await rig.waitFor(orderId, ['completing']);
      expect(await rig.waitFor(orderId)).toBe('attention');

      await checkoutOperators.cancel(rig.store, orderId, 'ops-1');
      expect(await rig.waitFor(orderId, ['cancelled'])).toBe('cancelled');
      expect(await order(orderId)).toMatchObject({ status: 'cancelled', reason: 'operator', by: 'admin' });
      expect(effectsAtGateway(orderId)).toEqual(['authorize', 'void']);
      // Sold stock came back.
      expect(await stock('CAPFAIL-1')).toEqual({ onHand: 5, available: 5 });
    });
  });

  describe('customer cancel', () => {
    it('before authorization: releases and abandons the pending authorization', async () => {
      await rig.registerSku('CANCEL-EARLY', 5);
      const orderId = await rig.placeOrder([{ sku: 'CANCEL-EARLY', quantity: 2 }], 'tok_timeout');
      await rig.waitFor(orderId, ['authorizing']);
      await cancelAsCustomer(orderId);
      expect(await rig.waitFor(orderId)).toBe('cancelled');
      expect(await order(orderId)).toMatchObject({ status: 'cancelled', reason: 'customer_request', by: 'customer' });
      expect(await stock('CANCEL-EARLY')).toEqual({ onHand: 5, available: 5 });
      expect(effectsAtGateway(orderId)).toEqual([]);
    });

    it('after authorization and capture: refunds and puts the stock back', async () => {
      await rig.registerSku('CANCEL-LATE', 5, 3_000);
      const orderId = await rig.placeOrder([{ sku: 'CANCEL-LATE', quantity: 2 }]);
      expect(await rig.waitFor(orderId)).toBe('completed');
      await cancelAsCustomer(orderId);
      expect(await rig.waitFor(orderId, ['cancelled'])).toBe('cancelled');
      const refunded = await payment(orderId);
      expect(refunded.status === 'authorized' ? refunded.ledger : undefined).toMatchObject({ captured: 6_000, refunded: 6_000 });
      expect(effectsAtGateway(orderId)).toEqual(['authorize', 'capture', 'refund']);
      expect(await stock('CANCEL-LATE')).toEqual({ onHand: 5, available: 5 });
    });
  });

  describe('refunds of a completed order', () => {
    it('moves two partial refunds at the gateway under two keys, each once', async () => {
      await rig.registerSku('REFUND-2', 5, 4_000);
      const orderId = await rig.placeOrder([{ sku: 'REFUND-2', quantity: 1 }]);
      expect(await rig.waitFor(orderId)).toBe('completed');
      const refund = (refundId: string) =>
        execute(rig.store, streams.order(orderId), deciders.order, {
          type: 'RefundOrder',
          data: { orderId, refundId, amount: { amount: 1_500, currency: 'EUR' }, captured: { amount: 4_000, currency: 'EUR' } },
          metadata: metadataFor(`refund-${orderId}-${refundId}`, { role: 'admin', id: 'test-admin' }),
        });
      await refund('refund-a');
      await refund('refund-b');
      await expect
        .poll(
          async () => {
            const paid = await payment(orderId);
            return paid.status === 'authorized' ? paid.ledger.refunded : 0;
          },
          { timeout: 10_000 },
        )
        .toBe(3_000);
      // A refund sent again (the client's attempt timed out, or the saga's watchdog re-issued it) is replayed: not listed.
      const refunds = rig.sandbox
        .requests({ paymentId: orderId })
        .filter((r) => r.operation === 'refund' && r.status === 200 && !r.replayed);
      expect(refunds.map((r) => r.idempotencyKey).sort()).toEqual([`${orderId}:refund:refund-a`, `${orderId}:refund:refund-b`]);
      expect(effectsAtGateway(orderId)).toEqual(['authorize', 'capture', 'refund', 'refund']);
      expect(rig.sandbox.ledger.payment(orderId)?.ledger).toMatchObject({ captured: 4_000, refunded: 3_000 });
    });
  });

  describe('reservation expiry', () => {
    it('cancels as reservation_expired when the reservation timer fires first', async () => {
      await rig.worker?.stop();
      await rig.start({ policy: { reservationTtlMs: 1_500, paymentTimeoutMs: 30_000 } });
      await rig.registerSku('EXPIRE-1', 5);
      const orderId = await rig.placeOrder([{ sku: 'EXPIRE-1', quantity: 1 }], 'tok_timeout');
      expect(await rig.waitFor(orderId)).toBe('cancelled');
      expect(await order(orderId)).toMatchObject({ status: 'cancelled', reason: 'reservation_expired' });
      expect(await stock('EXPIRE-1')).toEqual({ onHand: 5, available: 5 });
    });

    it('keeps its timers across a restart of the worker', async () => {
      await rig.worker?.stop();
      await rig.registerSku('RESTART-1', 5);
      const orderId = await rig.placeOrder([{ sku: 'RESTART-1', quantity: 1 }], 'tok_timeout');
      await rig.start({ policy: { reservationTtlMs: 1_500, paymentTimeoutMs: 30_000 } });
      await rig.waitFor(orderId, ['authorizing', 'compensating', 'cancelled']);
      await rig.worker?.stop();
      await new Promise((resolve) => setTimeout(resolve, 1_600));
      await rig.start({ policy: { reservationTtlMs: 1_500, paymentTimeoutMs: 30_000 } });
      expect(await rig.waitFor(orderId)).toBe('cancelled');
      expect(await order(orderId)).toMatchObject({ status: 'cancelled', reason: 'reservation_expired' });
    });
  });
});
