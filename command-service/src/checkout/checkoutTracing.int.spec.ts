import { recordSpans, withSpan, type SpanRecorder } from '@orderflow/platform';
import { describeWith } from '@orderflow/platform/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createCheckoutRig, type CheckoutRig } from './checkoutTesting.js';

const traceIdOf = (traceparent: string | undefined) => traceparent?.split('-')[1];

describeWith('postgres', 'checkout saga tracing', (use) => {
  let recorder: SpanRecorder;
  let rig: CheckoutRig;
  beforeAll(async () => {
    recorder = recordSpans('checkout-test');
    rig = await createCheckoutRig(use().url);
    // Deadlines far off: a step seen through late on a loaded machine must not add a timer's step (and its span) to the
    // trace, nor time the payment out. Nothing here waits for a timer.
    await rig.start({ policy: { paymentTimeoutMs: 60_000, settleAfterMs: 60_000 } });
  });
  afterAll(async () => {
    await rig.close();
    await recorder.telemetry.shutdown();
  });

  it("runs every step of a checkout, its commands and its gateway calls in the order's trace", async () => {
    await rig.registerSku('TRACE-A', 5);
    await rig.registerSku('TRACE-B', 5);
    const { orderId, traceId } = await withSpan('client places an order', async (span) => ({
      orderId: await rig.placeOrder([
        { sku: 'TRACE-B', quantity: 1 },
        { sku: 'TRACE-A', quantity: 1 },
      ]),
      traceId: span.spanContext().traceId,
    }));
    expect(await rig.waitFor(orderId)).toBe('completed');

    const ofOrder = recorder.spans().filter((s) => s.attributes['orderflow.order_id'] === orderId);
    expect(ofOrder.map((s) => s.name).sort()).toEqual(
      [
        'checkout order_placed',
        'checkout stock_reserved',
        'checkout stock_reserved',
        'checkout payment_authorized',
        'checkout order_confirmed',
        'checkout reservation_committed',
        'checkout reservation_committed',
        'checkout payment_captured',
      ].sort(),
    );
    for (const span of ofOrder) expect(span.spanContext().traceId, span.name).toBe(traceId);

    // The commands the saga issued are children of its step spans.
    const stepIds = new Set(ofOrder.map((s) => s.spanContext().spanId));
    for (const name of ['command ReserveStock', 'command RequestPaymentAuthorization', 'command ConfirmOrder', 'command CapturePayment']) {
      const issued = recorder
        .spans()
        .filter((s) => s.name === name && s.spanContext().traceId === traceId && stepIds.has(s.parentSpanContext?.spanId ?? ''));
      expect(issued.length, name).toBeGreaterThan(0);
    }
    // And the gateway saw the trace on both of its calls. An attempt the client timed out and sent again shows twice
    // (abandoned or replayed): only the requests that applied something are listed, and every request has the trace.
    const calls = rig.sandbox.requests({ paymentId: orderId });
    const applied = calls.filter((r) => r.status === 200 && !r.replayed);
    expect(applied.map((r) => [r.operation, traceIdOf(r.traceparent)])).toEqual([
      ['authorize', traceId],
      ['capture', traceId],
    ]);
    for (const call of calls) expect(traceIdOf(call.traceparent), `${call.operation} ${call.status}`).toBe(traceId);
  });
});
