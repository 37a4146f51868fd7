import { describe, expect, it } from 'vitest';
import { ZodError } from 'zod';
import { eventRegistry, eventTypes } from './eventRegistry.js';
import { EventSchemaError } from './eventSchemaError.js';
import { parseEvent } from './parseEvent.js';
import { upcast, upcasters } from './upcast.js';

const shippingAddress = { name: 'Ada Lovelace', line1: '12 St James Sq', city: 'London', postalCode: 'SW1Y 4JH', country: 'GB' };
const v1 = {
  orderId: 'o-1',
  customerId: 'c-1',
  lines: [
    { sku: 'SNEAKER-42', quantity: 2, unitPrice: 12_000 },
    { sku: 'CAP-1', quantity: 1, unitPrice: 1_999 },
  ],
  amount: 25_999,
  currency: 'EUR',
  shippingAddress,
  paymentMethodToken: 'pm_test_visa_4242',
};
const v2 = {
  orderId: 'o-1',
  customerId: 'c-1',
  lines: [
    { sku: 'SNEAKER-42', name: 'SNEAKER-42', quantity: 2, unitPrice: { amount: 12_000, currency: 'EUR' } },
    { sku: 'CAP-1', name: 'CAP-1', quantity: 1, unitPrice: { amount: 1_999, currency: 'EUR' } },
  ],
  total: { amount: 25_999, currency: 'EUR' },
  currency: 'EUR',
  shippingAddress,
  paymentMethodToken: 'pm_test_visa_4242',
};

describe('upcast', () => {
  it('brings OrderPlaced v1 (bare numbers, no names) to v2 (Money, names)', () => {
    expect(upcast('OrderPlaced', 1, v1)).toEqual(v2);
  });
  it('validates the current version as is', () => {
    expect(upcast('OrderPlaced', 2, v2)).toEqual(v2);
  });
  it('refuses a v1 body that does not fit v1', () => {
    expect(() => upcast('OrderPlaced', 1, { ...v1, amount: -1 })).toThrow(ZodError);
  });
  it('refuses v2 data labelled v1', () => {
    expect(() => upcast('OrderPlaced', 1, v2)).toThrow(ZodError);
  });
  it.each([0, 3, 1.5])('refuses schema version %d', (version) => {
    expect(() => upcast('OrderPlaced', version, v2)).toThrow(expect.objectContaining({ code: 'unsupported_schema_version' }));
  });
  it('has a path from version 1 to the current one for every event type', () => {
    for (const type of eventTypes)
      for (let version = 1; version < eventRegistry[type].schemaVersion; version++)
        expect(upcasters[type]?.[version], `${type} v${version}`).toBeTypeOf('function');
  });
});

describe('parseEvent', () => {
  it('parses a stored v1 event into the current shape', () => {
    expect(parseEvent({ type: 'OrderPlaced', data: v1, metadata: { schemaVersion: 1 } })).toEqual({ type: 'OrderPlaced', data: v2 });
  });
  it('drops members it does not know (a writer one release ahead)', () => {
    expect(parseEvent({ type: 'OrderConfirmed', data: { orderId: 'o-1', confirmedBy: 'x' }, metadata: { schemaVersion: 1 } })).toEqual({
      type: 'OrderConfirmed',
      data: { orderId: 'o-1' },
    });
  });
  it('refuses an unknown type', () => {
    expect(() => parseEvent({ type: 'OrderTeleported', data: {}, metadata: { schemaVersion: 1 } })).toThrow(EventSchemaError);
  });
});
