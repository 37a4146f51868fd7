import { describe, expect, it } from 'vitest';
import { commandSchemas } from './commands/commandRegistry.js';
import { eventRegistry, eventTypes } from './events/eventRegistry.js';
import { httpSchemas } from './http/httpSchemas.js';
import { toJSONSchema } from './jsonSchema.js';

const catalog = toJSONSchema();

describe('toJSONSchema', () => {
  it.each(eventTypes)('describes the event %s, with its schema version', (type) => {
    const { schemaVersion, schema } = catalog.events[type];
    expect(schemaVersion).toBe(eventRegistry[type].schemaVersion);
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(schema.properties?.type).toEqual({ type: 'string', const: type });
    expect(schema.required).toEqual(['type', 'data']);
  });

  it('describes every event type and nothing else', () => {
    expect(Object.keys(catalog.events).sort()).toEqual([...eventTypes].sort());
  });

  it('describes every command with its metadata', () => {
    expect(Object.keys(catalog.commands)).toHaveLength(20);
    for (const [type, schema] of Object.entries(catalog.commands)) {
      expect(schema.properties?.type, type).toEqual({ type: 'string', const: type });
      expect(schema.required, type).toEqual(['type', 'data', 'metadata']);
    }
    expect(Object.keys(catalog.commands).sort()).toEqual(Object.keys(commandSchemas).sort());
  });

  it('describes every HTTP body, strict ones closed to unknown members', () => {
    expect(Object.keys(catalog.http).sort()).toEqual(Object.keys(httpSchemas).sort());
    expect(catalog.http.PlaceOrderRequest.additionalProperties).toBe(false);
    expect(catalog.http.ProblemDetails.additionalProperties).toEqual({});
  });

  it('keeps money integral in the published schema', () => {
    const refund = catalog.http.RefundOrderRequest.properties?.amount;
    expect(refund).toMatchObject({ properties: { amount: { type: 'integer', minimum: 1 }, currency: { pattern: '^[A-Z]{3}$' } } });
  });
});
