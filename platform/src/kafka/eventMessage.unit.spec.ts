import { describe, expect, it } from 'vitest';
import type { EventMetadata, JsonValue, Position, RecordedEvent } from '../eventStore/types.js';
import { toKafkaMessage } from './eventMessage.js';

function recorded(type: string, data: { readonly [key: string]: JsonValue }, metadata: EventMetadata): RecordedEvent {
  return {
    streamId: 'order-o-1',
    revision: 3n,
    position: '0000000000000312/0000000000000007' as Position,
    type,
    data,
    metadata,
    recordedAt: new Date('2026-01-01T00:00:01.000Z'),
  };
}

/** Header values as the consumer reads them. */
const headersOf = (event: RecordedEvent) =>
  Object.fromEntries(Object.entries(toKafkaMessage(event).headers ?? {}).map(([name, value]) => [name, String(value)]));

// The header names are the consumers' contract (AsyncAPI catalog, projection-service README), hence spelled out.
describe('toKafkaMessage', () => {
  it('carries event id, type, schema version, correlation id, traceparent and content type as headers, keyed by stream', () => {
    const event = recorded(
      'OrderShipped',
      { orderId: 'o-1', carrier: 'DHL' },
      {
        eventId: '1b4e28ba-2fa1-41d2-883f-0016d3cca427',
        correlationId: 'req-42',
        causationId: 'cmd-7',
        actor: 'admin:ops-1',
        traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
        schemaVersion: 1,
        occurredAt: '2026-01-01T00:00:00.000Z',
      },
    );
    const message = toKafkaMessage(event);
    expect(message.key).toBe('order-o-1');
    expect(headersOf(event)).toStrictEqual({
      'event-id': '1b4e28ba-2fa1-41d2-883f-0016d3cca427',
      'event-type': 'OrderShipped',
      'schema-version': '1',
      'correlation-id': 'req-42',
      traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
      'content-type': 'application/json',
    });
    expect(JSON.parse(String(message.value))).toStrictEqual({
      type: 'OrderShipped',
      data: { orderId: 'o-1', carrier: 'DHL' },
      metadata: event.metadata,
      position: '0000000000000312/0000000000000007',
      streamId: 'order-o-1',
      revision: 3,
    });
  });

  it('leaves out correlation id and traceparent when the event has none (no empty or "undefined" header)', () => {
    const event = recorded(
      'Noted',
      { n: 1 },
      { eventId: '1b4e28ba-2fa1-41d2-883f-0016d3cca428', schemaVersion: 1, occurredAt: '2026-01-01T00:00:00.000Z' },
    );
    expect(headersOf(event)).toStrictEqual({
      'event-id': '1b4e28ba-2fa1-41d2-883f-0016d3cca428',
      'event-type': 'Noted',
      'schema-version': '1',
      'content-type': 'application/json',
    });
  });

  it('announces the schema version of the value it sends: an OrderPlaced stored as v1 goes out upcast, as v2', () => {
    const event = recorded(
      'OrderPlaced',
      {
        orderId: 'o-1',
        customerId: 'c-1',
        lines: [{ sku: 'TEE-BLACK-L', quantity: 2, unitPrice: 1500 }],
        amount: 3000,
        currency: 'EUR',
        shippingAddress: { name: 'Ada', line1: '1 Main St', city: 'Berlin', postalCode: '10115', country: 'DE' },
        paymentMethodToken: 'tok_visa_1234',
      },
      {
        eventId: '1b4e28ba-2fa1-41d2-883f-0016d3cca429',
        correlationId: 'req-43',
        schemaVersion: 1,
        occurredAt: '2026-01-01T00:00:00.000Z',
      },
    );
    const message = toKafkaMessage(event);
    expect(headersOf(event)).toMatchObject({ 'event-type': 'OrderPlaced', 'schema-version': '2', 'correlation-id': 'req-43' });
    const value = JSON.parse(String(message.value)) as { metadata: EventMetadata; data: { total: unknown } };
    expect(value.metadata.schemaVersion).toBe(2);
    expect(value.data.total).toEqual({ amount: 3000, currency: 'EUR' });
  });
});
