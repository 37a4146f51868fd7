import { EventStoreValidationError } from './errors.js';
import type { ExpectedRevision, JsonValue, NewEvent } from './types.js';

export interface EventStoreLimits {
  /** Largest serialised event (data + metadata), in bytes. Default 1 MiB. */
  readonly maxEventBytes: number;
}

export const defaultLimits: EventStoreLimits = { maxEventBytes: 1024 * 1024 };

/** An event checked and serialised once, ready for any backend. */
export interface SerialisedEvent {
  readonly eventId: string;
  readonly type: string;
  readonly data: string;
  readonly metadata: string;
}

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const isoDate = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
const optionalStrings = ['correlationId', 'causationId', 'traceparent', 'actor'] as const;

export function validateStreamId(streamId: unknown): string {
  if (typeof streamId !== 'string' || streamId.trim() === '') throw new EventStoreValidationError('streamId', 'must be a non-empty string');
  if (streamId.length > 512) throw new EventStoreValidationError('streamId', 'must be at most 512 characters');
  if (streamId.startsWith('$')) throw new EventStoreValidationError('streamId', 'names starting with "$" are reserved for system streams');
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
  if (/[\u0000-\u001f]/.test(streamId)) throw new EventStoreValidationError('streamId', 'must not contain control characters');
  return streamId;
}

export function validateExpectedRevision(expected: unknown, field = 'expectedRevision'): ExpectedRevision {
  if (expected === undefined) return 'any';
  if (expected === 'any' || expected === 'no_stream' || expected === 'stream_exists') return expected;
  if (typeof expected === 'bigint') {
    if (expected < 0n) throw new EventStoreValidationError(field, `must not be negative (got ${expected})`);
    return expected;
  }
  throw new EventStoreValidationError(field, 'must be "any", "no_stream", "stream_exists" or a non-negative bigint');
}

export function validateMaxCount(maxCount: unknown): number | undefined {
  if (maxCount === undefined) return undefined;
  if (typeof maxCount !== 'number' || !Number.isSafeInteger(maxCount) || maxCount < 0)
    throw new EventStoreValidationError('maxCount', 'must be a non-negative integer');
  return maxCount;
}

/** Validates a whole append before anything is written, and serialises each event once. */
export function validateAppend(streamId: unknown, events: unknown, limits: EventStoreLimits = defaultLimits): SerialisedEvent[] {
  validateStreamId(streamId);
  if (!Array.isArray(events) || events.length === 0) throw new EventStoreValidationError('events', 'must be a non-empty array');
  const seen = new Set<string>();
  return (events as unknown[]).map((event, i) => {
    const serialised = validateEvent(event, `events[${i}]`, limits);
    const id = serialised.eventId.toLowerCase();
    if (seen.has(id))
      throw new EventStoreValidationError(`events[${i}].metadata.eventId`, `${serialised.eventId} appears twice in one append`);
    seen.add(id);
    return serialised;
  });
}

function validateEvent(event: unknown, at: string, limits: EventStoreLimits): SerialisedEvent {
  if (!isRecord(event)) throw new EventStoreValidationError(at, 'must be an object with type, data and metadata');
  const { type, data, metadata } = event as Partial<NewEvent>;
  if (typeof type !== 'string' || type.trim() === '' || type.length > 256)
    throw new EventStoreValidationError(`${at}.type`, 'must be a non-empty string of at most 256 characters');
  if (!isRecord(data)) throw new EventStoreValidationError(`${at}.data`, 'must be a JSON object');
  if (!isJsonValue(data)) assertJson(data, `${at}.data`, new Set());
  if (!isRecord(metadata)) throw new EventStoreValidationError(`${at}.metadata`, 'must be an object');
  if (typeof metadata.eventId !== 'string' || !uuid.test(metadata.eventId))
    throw new EventStoreValidationError(`${at}.metadata.eventId`, 'must be a UUID');
  if (typeof metadata.schemaVersion !== 'number' || !Number.isSafeInteger(metadata.schemaVersion) || metadata.schemaVersion < 1)
    throw new EventStoreValidationError(`${at}.metadata.schemaVersion`, 'must be a positive integer');
  if (typeof metadata.occurredAt !== 'string' || !isoDate.test(metadata.occurredAt) || Number.isNaN(Date.parse(metadata.occurredAt)))
    throw new EventStoreValidationError(`${at}.metadata.occurredAt`, 'must be an ISO-8601 date-time with a time zone');
  for (const key of optionalStrings) {
    const value = metadata[key];
    if (value !== undefined && typeof value !== 'string') throw new EventStoreValidationError(`${at}.metadata.${key}`, 'must be a string');
  }
  if (!isJsonValue(metadata)) assertJson(metadata, `${at}.metadata`, new Set());
  const serialised = { eventId: metadata.eventId.toLowerCase(), type, data: JSON.stringify(data), metadata: JSON.stringify(metadata) };
  const bytes = Buffer.byteLength(serialised.data) + Buffer.byteLength(serialised.metadata);
  if (bytes > limits.maxEventBytes)
    throw new EventStoreValidationError(at, `is ${bytes} bytes serialised, over the limit of ${limits.maxEventBytes}`);
  return serialised;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Whether `value` is plain JSON (what `assertJson` accepts), without saying where it is not. */
export function isJsonValue(value: unknown): value is JsonValue {
  return isPlainJson(value, new Set());
}

/**
 * The fast check of every append: whether `value` is plain JSON, building no paths. Only when it is not does
 * `assertJson` walk it again to say where.
 */
function isPlainJson(value: unknown, ancestors: Set<object>): boolean {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return true;
    case 'number':
      return Number.isFinite(value);
    case 'object': {
      if (value === null) return true;
      if (ancestors.has(value)) return false;
      const isArray = Array.isArray(value);
      const proto = Object.getPrototypeOf(value) as unknown;
      if (!isArray && proto !== Object.prototype && proto !== null) return false;
      ancestors.add(value);
      let plain = true;
      if (isArray) {
        for (const item of value as unknown[]) if (!(plain = isPlainJson(item, ancestors))) break;
      } else
        for (const key in value) {
          const item = (value as Record<string, unknown>)[key];
          if (item !== undefined && !(plain = isPlainJson(item, ancestors))) break;
        }
      ancestors.delete(value);
      return plain;
    }
    default:
      return false;
  }
}

/** Only values that survive JSON: plain objects, arrays, finite numbers, strings, booleans, null. */
function assertJson(value: unknown, at: string, ancestors: Set<object>): asserts value is JsonValue {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return;
    case 'number':
      if (!Number.isFinite(value)) throw new EventStoreValidationError(at, `${value} is not representable in JSON`);
      return;
    case 'object': {
      if (value === null) return;
      if (ancestors.has(value)) throw new EventStoreValidationError(at, 'contains a cycle');
      const proto = Object.getPrototypeOf(value) as unknown;
      if (!Array.isArray(value) && proto !== Object.prototype && proto !== null)
        throw new EventStoreValidationError(at, `is a ${value.constructor.name}, not plain JSON (convert it first)`);
      ancestors.add(value);
      if (Array.isArray(value))
        value.forEach((item, i) => {
          assertJson(item, `${at}[${i}]`, ancestors);
        });
      // An undefined property is dropped by JSON, like an absent optional field; in an array it would become null.
      else for (const [key, item] of Object.entries(value)) if (item !== undefined) assertJson(item, `${at}.${key}`, ancestors);
      ancestors.delete(value);
      return;
    }
    default:
      throw new EventStoreValidationError(at, `a ${typeof value} is not JSON`);
  }
}
