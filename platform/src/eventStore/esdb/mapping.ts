import {
  ANY,
  CancelledError,
  DeadlineExceededError,
  NO_STREAM,
  NotLeaderError,
  StreamDeletedError as EsdbStreamDeletedError,
  STREAM_EXISTS,
  TimeoutError,
  UnavailableError,
  WrongExpectedVersionError,
  jsonEvent,
  type AppendExpectedRevision,
  type EventData,
  type ExpectedRevision as EsdbExpectedRevision,
  type JSONType,
  type Position as EsdbPosition,
  type RecordedEvent as EsdbRecordedEvent,
} from '@eventstore/db-client';
import { ConcurrencyError, EventIdReusedError, EventStoreValidationError, StreamDeletedError } from '../errors.js';
import { decodePosition, encodePosition } from '../position.js';
import type { EventMetadata, ExpectedRevision, JsonObject, JsonValue, NewEvent, Position, RecordedEvent } from '../types.js';
import { isJsonValue } from '../validate.js';

/** Client 6.2.1 parses only `esdb://` and `esdb+discover://`; KurrentDB's own schemes speak the same protocol. */
export function toClientConnectionString(url: string): string {
  return url.replace(
    /^(?:kurrentdb|kurrent|kdb)(\+discover)?:\/\//i,
    (_match: string, discover: string | undefined) => `esdb${discover ?? ''}://`,
  );
}

export function toEsdbExpectedRevision(expected: ExpectedRevision): AppendExpectedRevision {
  switch (expected) {
    case 'any':
      return ANY;
    case 'no_stream':
      return NO_STREAM;
    case 'stream_exists':
      return STREAM_EXISTS;
    default:
      return expected;
  }
}

/** Deletes take no `stream_exists` on the wire: the caller resolves it to the stream's last revision first. */
export function toEsdbDeleteRevision(expected: Exclude<ExpectedRevision, 'stream_exists'>): EsdbExpectedRevision {
  return expected === 'any' ? ANY : expected === 'no_stream' ? NO_STREAM : expected;
}

/** ESDB orders the log by commit, then prepare position; fixed-width hex keeps that order as string order. */
export function toPosition({ commit, prepare }: EsdbPosition): Position {
  return encodePosition(commit, prepare);
}

export function toEsdbPosition(position: Position): EsdbPosition {
  const { major, minor } = decodePosition(position);
  return { commit: major, prepare: minor };
}

/**
 * One proposed ESDB event: our event id as its id, our metadata as its metadata JSON. The client only types objects,
 * arrays and strings as JSON data, so a bare number, boolean or null is refused before anything is sent.
 */
export function toEsdbEvent(event: NewEvent, at: string): EventData {
  const data = toJsonType(event.data);
  if (data === undefined)
    throw new EventStoreValidationError(`${at}.data`, 'EventStoreDB stores event data as a JSON object, array or string');
  return jsonEvent({ id: event.metadata.eventId, type: event.type, data, metadata: event.metadata });
}

function toJsonType(value: JsonValue): JSONType | undefined {
  if (typeof value === 'string') return value;
  if (isJsonArray(value)) return [...value];
  if (value !== null && typeof value === 'object') return value;
  return undefined;
}

function isJsonArray(value: JsonValue): value is readonly JsonValue[] {
  return Array.isArray(value);
}

/**
 * Maps an event read back from ESDB. Events this adapter did not write (binary, no orderflow metadata) are refused
 * loudly: guessing a shape would hand projections data they cannot trust.
 */
export function toRecordedEvent(event: EsdbRecordedEvent): RecordedEvent {
  const where = `EventStoreDB event ${event.id} (${event.streamId}@${event.revision})`;
  if (!event.isJson) throw new Error(`${where} is not JSON`);
  if (event.position === undefined) throw new Error(`${where} has no position: the server must be EventStoreDB 22.6 or later`);
  const { data, metadata } = event;
  if (!isJsonObject(data)) throw new Error(`${where} has data that is not a JSON object`);
  if (!isEventMetadata(metadata)) throw new Error(`${where} carries no orderflow metadata (eventId, schemaVersion, occurredAt)`);
  return {
    streamId: event.streamId,
    revision: event.revision,
    position: toPosition(event.position),
    type: event.type,
    data,
    metadata,
    recordedAt: event.created,
  };
}

const optionalMetadata = ['correlationId', 'causationId', 'traceparent', 'actor'] as const;

export function isEventMetadata(value: unknown): value is EventMetadata {
  if (!isJsonObject(value)) return false;
  const record: { readonly [key: string]: JsonValue | undefined } = value;
  return (
    typeof record.eventId === 'string' &&
    typeof record.schemaVersion === 'number' &&
    typeof record.occurredAt === 'string' &&
    optionalMetadata.every((key) => record[key] === undefined || typeof record[key] === 'string')
  );
}

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && isJsonValue(value);
}

/** The stream's last revision from a conflict, `undefined` when the stream does not exist. */
export function actualRevision(error: WrongExpectedVersionError): bigint | undefined {
  return typeof error.actualVersion === 'bigint' ? error.actualVersion : undefined;
}

/** Maps the client's failures on `streamId` to the port's errors; anything else passes through unchanged. */
export function toStoreError(error: unknown, streamId: string, expected: ExpectedRevision): unknown {
  if (error instanceof WrongExpectedVersionError) return new ConcurrencyError(streamId, expected, actualRevision(error));
  if (error instanceof EsdbStreamDeletedError) return new StreamDeletedError(streamId);
  return error;
}

/** The revision the first event of an append would get, when the expected revision pins it. */
export function firstRevisionOf(expected: ExpectedRevision): bigint | undefined {
  if (expected === 'no_stream') return 0n;
  return typeof expected === 'bigint' ? expected + 1n : undefined;
}

/**
 * ESDB dedupes appends on event ids alone, never on content. A batch whose ids all match the events already at its
 * place succeeds as a no-op returning the original result, even when types or data differ; the same id in another
 * stream is simply written again. Neither is visible to a client. What is visible: a batch whose first id matches but
 * whose rest does not ("corrupted idempotency") fails as a wrong expected version. With `any` that is the only cause;
 * otherwise `storedFirstId`, the id already stored at `firstRevisionOf(expected)`, tells it from a real conflict.
 */
export function toAppendConflict(
  error: WrongExpectedVersionError,
  streamId: string,
  expected: ExpectedRevision,
  firstEventId: string,
  storedFirstId?: string,
): ConcurrencyError | EventIdReusedError {
  const reused = expected === 'any' || (storedFirstId !== undefined && storedFirstId.toLowerCase() === firstEventId.toLowerCase());
  if (!reused) return new ConcurrencyError(streamId, expected, actualRevision(error));
  return new EventIdReusedError(streamId, firstEventId, 'EventStoreDB holds it from an earlier append whose other events differ');
}

/** Failures after which the same request can succeed once the connection, or a new leader, is back. */
export function isTransientError(error: unknown): boolean {
  return (
    error instanceof UnavailableError ||
    error instanceof CancelledError ||
    error instanceof DeadlineExceededError ||
    error instanceof TimeoutError ||
    error instanceof NotLeaderError
  );
}
