/** A JSON value: what event data and metadata may hold (no undefined, functions, bigint, symbols or cycles). */
export type JsonValue = null | boolean | number | string | readonly JsonValue[] | { readonly [key: string]: JsonValue };

/** Metadata carried by every event (DESIGN.md §4); it round-trips unchanged through every backend. */
export interface EventMetadata {
  /** UUID; appends are idempotent on it. */
  readonly eventId: string;
  readonly correlationId?: string;
  readonly causationId?: string;
  /** W3C trace context of the operation that produced the event. */
  readonly traceparent?: string;
  /** Who caused it, e.g. `customer:c-1`, `admin:a-1`, `system:checkout`. */
  readonly actor?: string;
  readonly schemaVersion: number;
  /** ISO-8601 time of the decision (from command metadata, not the store's clock). */
  readonly occurredAt: string;
}

/** Event data is always a JSON object (the envelope of DESIGN.md §4). */
export type JsonObject = { readonly [key: string]: JsonValue };

export interface NewEvent<Type extends string = string, Data extends JsonObject = JsonObject> {
  readonly type: Type;
  readonly data: Data;
  readonly metadata: EventMetadata;
}

/**
 * An opaque position in the global log. Positions of one store are totally ordered by plain string comparison
 * (`comparePositions`) and survive serialisation, so they double as consistency tokens.
 */
export type Position = string & { readonly __brand: 'Position' };

export interface RecordedEvent<Type extends string = string, Data extends JsonObject = JsonObject> extends NewEvent<Type, Data> {
  readonly streamId: string;
  /** 0-based revision within the stream. */
  readonly revision: bigint;
  readonly position: Position;
  /** When the store recorded it. */
  readonly recordedAt: Date;
}

/** `any`: no check; `no_stream`: the stream must not exist; `stream_exists`: it must; a bigint: its last revision. */
export type ExpectedRevision = 'any' | 'no_stream' | 'stream_exists' | bigint;

export interface AppendOptions {
  readonly expectedRevision?: ExpectedRevision;
}

export interface AppendResult {
  /** Revision of the last event appended: pass it as the next expected revision. */
  readonly nextExpectedRevision: bigint;
  /** Position of the last event appended: the consistency token of the write. */
  readonly position: Position;
}

export type Direction = 'forwards' | 'backwards';

export interface ReadStreamOptions {
  /** First revision to read (inclusive); defaults to the start (forwards) or the end (backwards). */
  readonly from?: bigint | 'start' | 'end';
  readonly direction?: Direction;
  readonly maxCount?: number;
}

/** Server-side filter on the global log; both lists are alternatives (OR within, AND between). */
export interface EventFilter {
  readonly streamPrefixes?: readonly string[];
  readonly eventTypes?: readonly string[];
}

export interface ReadAllOptions {
  /** Position to read after (exclusive), or `start`/`end`. */
  readonly from?: Position | 'start' | 'end';
  readonly direction?: Direction;
  readonly maxCount?: number;
  readonly filter?: EventFilter;
}

export interface SubscribeToAllOptions {
  /** Position to continue after (exclusive): a stored checkpoint or an event's position; or `start`/`end`. */
  readonly from: Position | 'start' | 'end';
  readonly filter?: EventFilter;
  /** Stops the subscription; the iterator then ends without error. */
  readonly signal?: AbortSignal;
  /** Report a checkpoint at least every this many scanned events, matched or not (default 1000). */
  readonly checkpointInterval?: number;
}

/**
 * What a subscription yields: the matching events, and checkpoints — positions up to which everything has been
 * scanned, so a sparse filter still records progress. Resuming from a checkpoint skips nothing. The first
 * checkpoint comes when the subscription has first caught up (also when it starts from `end`).
 */
export type SubscriptionItem =
  { readonly kind: 'event'; readonly event: RecordedEvent } | { readonly kind: 'checkpoint'; readonly position: Position };

export interface DeleteStreamOptions {
  readonly expectedRevision?: ExpectedRevision;
  /** `soft` (default): the stream reads as empty and can be written again, revisions continuing; `tombstone`: forever. */
  readonly mode?: 'soft' | 'tombstone';
}

/** The event store port (DESIGN.md §5): one contract, proven by `describeEventStore` on every backend. */
export interface EventStore {
  appendToStream(streamId: string, events: readonly NewEvent[], options?: AppendOptions): Promise<AppendResult>;
  /** A missing or soft-deleted stream reads as empty; a tombstoned one throws `StreamDeletedError`. */
  readStream(streamId: string, options?: ReadStreamOptions): Promise<RecordedEvent[]>;
  readAll(options?: ReadAllOptions): Promise<RecordedEvent[]>;
  /** Catch-up then live; ends when `signal` aborts. */
  subscribeToAll(options: SubscribeToAllOptions): AsyncIterable<SubscriptionItem>;
  deleteStream(streamId: string, options?: DeleteStreamOptions): Promise<void>;
  /** The position of the last event in the global log (`undefined` when empty). */
  headPosition(): Promise<Position | undefined>;
  close(): Promise<void>;
}
