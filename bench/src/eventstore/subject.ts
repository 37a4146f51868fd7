import type { NewEvent } from './platform.js';

/** The data every benchmark event carries; `seq` lets the live test match an arrival to its append. */
export interface BenchEventData {
  readonly [key: string]: unknown;
  readonly seq: number;
}

/** Tunables given to both stores alike. */
export interface SubjectSettings {
  readonly maxConnections: number;
  /** Events per page when reading the global log or catching up. */
  readonly pageSize: number;
}

export interface SeedMethod {
  readonly writers: number;
  readonly via: string;
}

export interface LiveSubscription {
  stop(): Promise<void>;
}

/**
 * One event store under test, reduced to what the benchmark measures. Every call goes through the store's public
 * API; `eventsBefore` is the number of events the stream holds, turned into each store's exact expected revision.
 */
export interface BenchSubject {
  readonly name: string;
  append(streamId: string, events: readonly NewEvent[], eventsBefore: number): Promise<void>;
  /** Loads `events` OrderPlaced events in appends of `batchSize` by the store's fastest path; says which. */
  seed(events: number, batchSize: number): Promise<SeedMethod>;
  /** How many events the stream holds, read back with `readStream`. */
  streamLength(streamId: string): Promise<number>;
  /** Reads the global log from its start in pages of `pageSize`; stops at the end or when `signal` aborts. */
  readAll(signal: AbortSignal): Promise<number>;
  /** Subscribes from the start and resolves with the number of events delivered once caught up (or aborted). */
  catchUp(signal: AbortSignal): Promise<number>;
  /** Subscribes from the current end; `onEvent` runs on every arrival. Resolves once the subscription is live. */
  live(onEvent: (data: BenchEventData) => void): Promise<LiveSubscription>;
  /** Pool and server-side statistics work after a bulk load: VACUUM ANALYZE and CHECKPOINT, same for every store. */
  settle(): Promise<void>;
  close(): Promise<void>;
}
