import { EVENT_TYPE, STREAM_NAME, type Filter } from '@eventstore/db-client';
import { describe, expect, it } from 'vitest';
import { EventStoreValidationError } from '../errors.js';
import { checkpointOptions, escapeRegex, eventTypeRegex, planFilter } from './filter.js';

function regexOf(filter: Filter): RegExp {
  if (!('regex' in filter)) throw new Error(`expected a regex filter, got ${JSON.stringify(filter)}`);
  // .NET and JavaScript agree on this subset: anchors, groups, alternation, escaped punctuation.
  return new RegExp(filter.regex);
}

describe('planning a filter for EventStoreDB', () => {
  describe('given stream prefixes (and maybe types)', () => {
    const plan = planFilter({ streamPrefixes: ['order-', 'payment-'], eventTypes: ['OrderPlaced'] });

    it('filters on the stream prefixes on the server', () => {
      expect(plan.server).toMatchObject({ filterOn: STREAM_NAME, prefixes: ['order-', 'payment-'] });
    });

    it('applies the event types on the client', () => {
      expect(plan.matches('order-1', 'OrderPlaced')).toBe(true);
      expect(plan.matches('order-1', 'OrderConfirmed')).toBe(false);
      expect(plan.matches('inventory-1', 'OrderPlaced')).toBe(false);
    });
  });

  describe('given only event types', () => {
    const plan = planFilter({ eventTypes: ['OrderPlaced', 'Order.Placed+v2'] });

    it('filters on the server with an anchored, escaped event-type regex', () => {
      expect(plan.server).toMatchObject({ filterOn: EVENT_TYPE, regex: '^(OrderPlaced|Order\\.Placed\\+v2)$' });
      const regex = regexOf(plan.server);
      expect(['OrderPlaced', 'Order.Placed+v2'].map((t) => regex.test(t))).toEqual([true, true]);
      expect(['OrderXPlaced+v2', 'Order.Placedv2', 'Order.Placed++v2', 'OrderPlacedX', 'xOrderPlaced'].some((t) => regex.test(t))).toBe(
        false,
      );
    });

    it('checks the same types again on the client, exactly', () => {
      expect(plan.matches('any-stream', 'Order.Placed+v2')).toBe(true);
      expect(plan.matches('any-stream', 'OrderXPlaced+v2')).toBe(false);
    });
  });

  describe('given no filter', () => {
    const plan = planFilter();

    it('still excludes system event types on the server', () => {
      expect(plan.server).toMatchObject({ filterOn: EVENT_TYPE });
      const regex = regexOf(plan.server);
      expect([regex.test('OrderPlaced'), regex.test('$metadata'), regex.test('$>')]).toEqual([true, false, false]);
    });

    it('excludes system streams and types on the client', () => {
      expect(plan.matches('order-1', 'OrderPlaced')).toBe(true);
      expect(plan.matches('$$order-1', '$metadata')).toBe(false);
      expect(plan.matches('$ce-order', 'OrderPlaced')).toBe(false);
      expect(plan.matches('order-1', '$streamDeleted')).toBe(false);
    });
  });

  it('never lets system records through, even when asked for by name', () => {
    const plan = planFilter({ streamPrefixes: ['$'], eventTypes: ['$metadata'] });
    expect(plan.matches('$$order-1', '$metadata')).toBe(false);
  });

  it('matches nothing for an empty list, as the PostgreSQL store does', () => {
    expect(planFilter({ streamPrefixes: [] }).matches('order-1', 'OrderPlaced')).toBe(false);
    expect(planFilter({ eventTypes: [] }).matches('order-1', 'OrderPlaced')).toBe(false);
  });

  it('carries the checkpoint settings to the server filter', () => {
    expect(planFilter({ streamPrefixes: ['order-'] }, 1).server).toMatchObject({ checkpointInterval: 1, maxSearchWindow: 1 });
  });
});

describe('regex escaping', () => {
  it.each(['Order.Placed+v2', 'a|b', '(x)[y]{z}', '^start$', 'back\\slash', 'star*?', 'hash #1', 'tab\there'])(
    'makes %s match only itself',
    (text) => {
      const regex = new RegExp(eventTypeRegex([text]));
      expect(regex.test(text)).toBe(true);
      expect(regex.test(`${text}x`)).toBe(false);
      expect(regex.test(text.slice(1))).toBe(false);
    },
  );

  it('leaves ordinary event type names alone', () => {
    expect(escapeRegex('InventoryItem_StockReserved-v3')).toBe('InventoryItem_StockReserved-v3');
  });
});

describe('checkpoint settings', () => {
  it('bring a checkpoint within the requested interval even when it comes a whole search window late', () => {
    const violations: string[] = [];
    for (let interval = 1; interval <= 5000; interval++) {
      const { checkpointInterval: multiplier, maxSearchWindow: window } = checkpointOptions(interval);
      const latest = (multiplier + 1) * window - 1;
      const valid = window >= 1 && window <= 32 && multiplier >= 1 && latest <= interval && multiplier * window >= interval / 3;
      if (!valid) violations.push(`${interval}: ${multiplier} x ${window}`);
    }
    expect(violations).toEqual([]);
  });

  it('asks for every event at an interval of 1', () => {
    expect(checkpointOptions(1)).toEqual({ checkpointInterval: 1, maxSearchWindow: 1 });
  });

  it.each([0, -1, 1.5, Number.NaN])('refuses an interval of %s', (interval) => {
    expect(() => checkpointOptions(interval)).toThrow(EventStoreValidationError);
  });
});
