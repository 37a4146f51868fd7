import { describe, expect, it } from 'vitest';
import type { Position, RecordedEvent } from '../eventStore/types.js';
import { toProduceRequests } from './kafkaRequests.js';

function event(streamId: string, revision: number, size = 100): RecordedEvent {
  return {
    streamId,
    revision: BigInt(revision),
    position: `${revision.toString(16).padStart(16, '0')}/0000000000000000` as Position,
    type: 'Step',
    data: { pad: 'x'.repeat(size) },
    metadata: {
      eventId: `00000000-0000-4000-8000-${revision.toString().padStart(12, '0')}`,
      schemaVersion: 1,
      occurredAt: '2026-01-01T00:00:00.000Z',
    },
    recordedAt: new Date(0),
  };
}

describe('toProduceRequests', () => {
  it('groups by topic, skips checkout streams and keeps each key in order', () => {
    const events = [event('order-1', 0), event('checkout-1', 0), event('payment-1', 0), event('order-1', 1), event('inventory-A', 0)];
    const { requests, count } = toProduceRequests(events, { prefix: 'x.' });
    expect(count).toBe(4);
    expect(requests).toHaveLength(1);
    expect(requests[0]?.map((t) => [t.topic, t.messages.map((m) => m.key)])).toEqual([
      ['x.orders.v1', ['order-1', 'order-1']],
      ['x.payments.v1', ['payment-1']],
      ['x.inventory.v1', ['inventory-A']],
    ]);
  });

  it('cuts a page of one busy stream into requests under the bound, in order', () => {
    const events = Array.from({ length: 1_000 }, (_, i) => event('order-busy', i, 1_000));
    const { requests, count } = toProduceRequests(events, {}, 100_000);
    expect(count).toBe(1_000);
    expect(requests.length).toBeGreaterThan(10);
    const revisions = requests.flatMap((r) =>
      r.flatMap((t) => t.messages.map((m) => (JSON.parse(String(m.value)) as { revision: number }).revision)),
    );
    expect(revisions).toEqual(events.map((_, i) => i));
    for (const r of requests)
      expect(r.flatMap((t) => t.messages).reduce((n, m) => n + String(m.value).length, 0)).toBeLessThanOrEqual(100_000);
  });
});
