import { eventRegistry, type EventOf, type EventType } from './eventRegistry.js';
import { EventSchemaError } from './eventSchemaError.js';
import { upcastOrderPlacedV1 } from './legacy/orderPlacedV1.js';

/** Turns the data of version `n` into the data of version `n + 1`; validates its input with the old schema. */
export type Upcaster = (data: unknown) => unknown;

/** Keyed by event type, then by the version an upcaster starts from. */
export const upcasters: { readonly [Type in EventType]?: Readonly<Record<number, Upcaster>> } = {
  OrderPlaced: { 1: upcastOrderPlacedV1 },
};

/**
 * Brings stored event data of any known schema version to the current shape, step by step, and validates the
 * result with the current schema (throws a `ZodError` when it does not fit, `EventSchemaError` when no path exists).
 */
export function upcast<Type extends EventType>(type: Type, schemaVersion: number, data: unknown): EventOf<Type>['data'] {
  const { schema, schemaVersion: current } = eventRegistry[type];
  if (!Number.isSafeInteger(schemaVersion) || schemaVersion < 1 || schemaVersion > current)
    throw new EventSchemaError(
      'unsupported_schema_version',
      type,
      schemaVersion,
      `${type} v${schemaVersion}: this release reads v1–v${current}`,
    );
  let value = data;
  for (let version = schemaVersion; version < current; version++) {
    const step = upcasters[type]?.[version];
    if (step === undefined)
      throw new EventSchemaError('unsupported_schema_version', type, schemaVersion, `${type}: no upcaster from v${version}`);
    value = step(value);
  }
  // The registry's schema for `type` parses to exactly `EventOf<Type>['data']`; TypeScript cannot follow the generic index.
  return schema.shape.data.parse(value) as EventOf<Type>['data'];
}
