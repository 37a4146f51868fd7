import type { ExpectedRevision } from './types.js';

/** Base of the event store's typed errors; `code` is stable and maps to problem+json codes. */
export abstract class EventStoreError extends Error {
  abstract readonly code: string;
}

/** The stream's revision was not the expected one; nothing was written. */
export class ConcurrencyError extends EventStoreError {
  readonly code = 'concurrency_conflict';
  constructor(
    readonly streamId: string,
    readonly expected: ExpectedRevision,
    /** Last revision of the stream, `undefined` when it does not exist. */
    readonly actual: bigint | undefined,
  ) {
    super(`stream ${streamId}: expected revision ${String(expected)}, actual ${actual === undefined ? 'no stream' : String(actual)}`);
    this.name = 'ConcurrencyError';
  }
}

/** An event id was already used by a different event (another stream, type, data or position). */
export class EventIdReusedError extends EventStoreError {
  readonly code = 'event_id_reused';
  constructor(
    readonly streamId: string,
    readonly eventId: string,
    detail: string,
  ) {
    super(`stream ${streamId}: event id ${eventId} was already used by a different event (${detail})`);
    this.name = 'EventIdReusedError';
  }
}

/** The stream was tombstoned: it cannot be read or written again. */
export class StreamDeletedError extends EventStoreError {
  readonly code = 'stream_deleted';
  constructor(readonly streamId: string) {
    super(`stream ${streamId} is deleted (tombstoned)`);
    this.name = 'StreamDeletedError';
  }
}

/** Bad input; nothing was written. `field` names what was wrong. */
export class EventStoreValidationError extends EventStoreError {
  readonly code = 'invalid_event_store_input';
  constructor(
    readonly field: string,
    reason: string,
  ) {
    super(`${field}: ${reason}`);
    this.name = 'EventStoreValidationError';
  }
}
