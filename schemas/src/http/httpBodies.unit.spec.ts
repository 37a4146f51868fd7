import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { PlaceOrderHeaders } from './headers.js';
import { AdjustStockRequest, ChangeSkuRequest, ReceiveStockRequest, RegisterSkuRequest } from './inventoryBodies.js';
import {
  CancelOrderRequest,
  DeliverOrderRequest,
  OrderParams,
  PlaceOrderRequest,
  RefundOrderRequest,
  ShipOrderRequest,
} from './orderBodies.js';
import { OutOfStockProblem, ProblemDetails } from './problem.js';

const placeOrder = {
  lines: [{ sku: 'SNEAKER-42', quantity: 2 }],
  currency: 'EUR',
  shippingAddress: { name: 'Ada', line1: '1 Main St', city: 'Paris', postalCode: '75001', country: 'FR' },
  paymentMethodToken: 'pm_test_visa_4242',
};
const megabyte = 'x'.repeat(1_048_576);

/** The paths zod reports, as the problem body's `errors[].path` will name them. */
function failures(schema: z.ZodType, value: unknown): string[] {
  const result = schema.safeParse(value);
  return result.success ? [] : result.error.issues.map((issue) => issue.path.join('.'));
}

describe('request bodies', () => {
  const valid: [string, z.ZodType, unknown][] = [
    ['PlaceOrderRequest', PlaceOrderRequest, placeOrder],
    ['CancelOrderRequest', CancelOrderRequest, { detail: 'changed my mind' }],
    ['ShipOrderRequest', ShipOrderRequest, { carrier: 'DHL', trackingNumber: 'JD0001' }],
    ['DeliverOrderRequest', DeliverOrderRequest, {}],
    ['RefundOrderRequest', RefundOrderRequest, { amount: { amount: 500, currency: 'EUR' } }],
    [
      'RegisterSkuRequest',
      RegisterSkuRequest,
      { sku: 'SNEAKER-42', name: 'Sneaker', unitPrice: { amount: 5_000, currency: 'EUR' }, perCustomerLimit: 2 },
    ],
    ['ReceiveStockRequest', ReceiveStockRequest, { quantity: 100 }],
    ['AdjustStockRequest', AdjustStockRequest, { delta: -2, reason: 'damaged' }],
    ['ChangeSkuRequest', ChangeSkuRequest, { perOrderLimit: null }],
  ];

  it.each(valid)('%s accepts a valid body', (_, schema, body) => {
    expect(failures(schema, body)).toEqual([]);
  });
  it.each(valid)('%s rejects unknown members', (_, schema, body) => {
    expect(failures(schema, { ...(body as object), admin: true })).toEqual(['']);
  });

  it('names each bad field', () => {
    expect(
      failures(PlaceOrderRequest, {
        ...placeOrder,
        lines: [{ sku: 'sneaker', quantity: -1 }],
        shippingAddress: { ...placeOrder.shippingAddress, country: 'France' },
      }),
    ).toEqual(['lines.0.sku', 'lines.0.quantity', 'shippingAddress.country']);
  });
  it.each([
    ['a fractional quantity', { ...placeOrder, lines: [{ sku: 'SNEAKER-42', quantity: 1.5 }] }],
    ['a huge quantity', { ...placeOrder, lines: [{ sku: 'SNEAKER-42', quantity: 1e12 }] }],
    ['a quantity as a string', { ...placeOrder, lines: [{ sku: 'SNEAKER-42', quantity: '2' }] }],
    ['no lines', { ...placeOrder, lines: [] }],
    ['the same SKU twice', { ...placeOrder, lines: [...placeOrder.lines, ...placeOrder.lines] }],
    ['a 1 MB name', { ...placeOrder, shippingAddress: { ...placeOrder.shippingAddress, name: megabyte } }],
    ['a control character', { ...placeOrder, shippingAddress: { ...placeOrder.shippingAddress, line1: '1 Main St\u0000' } }],
    ['a price', { ...placeOrder, lines: [{ sku: 'SNEAKER-42', quantity: 1, unitPrice: { amount: 1, currency: 'EUR' } }] }],
  ])('PlaceOrderRequest rejects %s', (_, body) => {
    expect(failures(PlaceOrderRequest, body)).not.toEqual([]);
  });

  it('RefundOrderRequest rejects zero, negative, fractional and unsafe amounts', () => {
    for (const amount of [0, -1, 0.5, Number.MAX_SAFE_INTEGER + 2])
      expect(new Set(failures(RefundOrderRequest, { amount: { amount, currency: 'EUR' } })), String(amount)).toEqual(
        new Set(['amount.amount']),
      );
  });
  it('AdjustStockRequest rejects a zero delta', () => {
    expect(failures(AdjustStockRequest, { delta: 0, reason: 'correction' })).toEqual(['delta']);
  });
  it('ChangeSkuRequest rejects an empty patch', () => {
    expect(failures(ChangeSkuRequest, {})).toEqual(['']);
  });
  it('CancelOrderRequest rejects a reason it does not know', () => {
    expect(failures(CancelOrderRequest, { reason: 'bored' })).toEqual(['reason']);
  });
  it('OrderParams rejects an id that could not name a stream', () => {
    expect(failures(OrderParams, { id: '../order-2' })).toEqual(['id']);
  });
});

describe('headers', () => {
  it('require an idempotency key to place an order', () => {
    expect(failures(PlaceOrderHeaders, { 'content-type': 'application/json' })).toEqual(['idempotency-key']);
  });
  it('accept a revision in If-Match', () => {
    expect(failures(PlaceOrderHeaders, { 'idempotency-key': 'k-1', 'if-match': '"3"' })).toEqual([]);
  });
  it('reject a malformed If-Match', () => {
    expect(failures(PlaceOrderHeaders, { 'idempotency-key': 'k-1', 'if-match': '3' })).toEqual(['if-match']);
  });
});

describe('problem bodies', () => {
  const problem = { type: 'https://orderflow.dev/problems/out-of-stock', title: 'Out of stock', status: 409, code: 'out_of_stock' };

  it('keep extension members', () => {
    expect(ProblemDetails.parse({ ...problem, sku: 'SNEAKER-42', available: 1 })).toMatchObject({ sku: 'SNEAKER-42', available: 1 });
  });
  it('name the SKU and what is available when out of stock', () => {
    expect(failures(OutOfStockProblem, { ...problem, sku: 'SNEAKER-42', available: 1 })).toEqual([]);
    expect(failures(OutOfStockProblem, problem)).toEqual(['sku', 'available']);
  });
  it('list validation errors by path', () => {
    expect(
      failures(ProblemDetails, {
        ...problem,
        status: 400,
        code: 'validation_failed',
        errors: [{ path: 'body.lines.0.quantity', message: 'too big' }],
      }),
    ).toEqual([]);
  });
  it('are errors only', () => {
    expect(failures(ProblemDetails, { ...problem, status: 200 })).toEqual(['status']);
  });
});
