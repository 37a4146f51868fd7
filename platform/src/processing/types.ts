import type pg from 'pg';
import type { EventFilter, Position, RecordedEvent } from '../eventStore/types.js';

/**
 * The checkpointed subscription runtime shared by every subscriber of the global log (DESIGN.md §1, §5): the
 * projectors and the Kafka forwarder (projection-service) and the checkout saga (command-service). It lives in
 * platform because services never import each other.
 *
 * State lives in PostgreSQL (`DATABASE_URL`, schema `processing`): one row per processor with its checkpoint, owner,
 * lease epoch and heartbeat; and the dead letters. PostgreSQL is present in both topologies.
 */

/** What a batch handler gets besides the events. */
export interface BatchContext {
  readonly processor: string;
  /**
   * Only for `transactional` processors: the client of the open transaction in which the runtime will also write
   * the checkpoint (with a fencing check on the lease epoch), then commit. Write the read model through it.
   */
  readonly tx: pg.ClientBase | undefined;
  /** `live` once the subscription has caught up with the head of the log; `catch-up` before; `rebuild` in a rebuild. */
  readonly mode: 'catch-up' | 'live' | 'rebuild';
  readonly signal: AbortSignal;
}

export interface ProcessorDefinition {
  /** Stable, unique name: the key of the checkpoint, the lease and the dead letters. */
  readonly name: string;
  readonly filter?: EventFilter;
  /** Most events handed to one `handleBatch` call (default 500). Live batches are whatever has arrived. */
  readonly batchSize?: number;
  /**
   * `true`: the runtime opens a PostgreSQL transaction, calls `handleBatch` with `ctx.tx`, writes the checkpoint in
   * the same transaction and commits (exactly-once effects in PostgreSQL). `false`: the handler's effects must be
   * idempotent (position-guarded documents, Kafka with event-id headers, saga commands with deterministic ids); the
   * checkpoint is written after the handler returns (at-least-once).
   */
  readonly transactional: boolean;
  /** Applies a batch, in position order. Throwing retries the batch (see `ProcessorOptions.retry`). */
  handleBatch(events: readonly RecordedEvent[], ctx: BatchContext): Promise<void>;
  /** Optional hook for a rebuild: clear (or create a shadow of) the model before replaying from the start. */
  readonly rebuild?: RebuildHooks;
}

export interface RebuildHooks {
  /** Prepare the target the rebuild writes into (live model truncated, or a shadow created); returns nothing. */
  prepare(options: { readonly blueGreen: boolean }): Promise<void>;
  /**
   * Blue-green only: atomically swap the shadow in for the live model, after the rebuild caught up. Transactional
   * processors get the transaction (`tx`) in which the runtime then sets the checkpoint: swap through it and both
   * commit together.
   */
  swap?(ctx: { readonly tx?: pg.ClientBase }): Promise<void>;
}

export interface ProcessorOptions {
  /** Attempts per batch before the runtime isolates the failing event (default 5), with exponential backoff. */
  readonly retry?: { readonly attempts?: number; readonly initialDelayMs?: number; readonly maxDelayMs?: number };
  /** Stop (throw) at the first event that still fails after the retries, instead of parking it. */
  readonly strict?: boolean;
  /** Lease heartbeat period (default 2 s); another instance takes over after 3 missed beats or a lost connection. */
  readonly heartbeatMs?: number;
  /** Pause between lease attempts while another instance holds the lease (default 1 s). */
  readonly leaseRetryMs?: number;
  /** How long `stop()` lets the batch in flight finish before aborting its `ctx.signal` (default 10 s). */
  readonly stopTimeoutMs?: number;
  /** Period of the lag sample (events and seconds behind) while holding the lease (default 5 s; 0 turns it off). */
  readonly lagSampleMs?: number;
}

/** A dead-lettered (parked) event: the processor moved on without it. */
export interface DeadLetter {
  readonly id: string;
  readonly processor: string;
  readonly position: Position;
  readonly streamId: string;
  readonly eventType: string;
  readonly eventId: string;
  readonly error: string;
  readonly attempts: number;
  readonly parkedAt: Date;
}

export interface ProcessorStatus {
  readonly name: string;
  readonly checkpoint: Position | undefined;
  /** `host:pid:uuid` of the instance holding the lease, if any, and when it last beat. */
  readonly owner: string | undefined;
  readonly heartbeatAt: Date | undefined;
  /** Matching events between the checkpoint and the head of the log (capped count), and the age of the oldest. */
  readonly eventsBehind: number;
  readonly secondsBehind: number;
  readonly deadLetters: number;
}

/** A running processor (one per definition per process). */
export interface RunningProcessor {
  readonly name: string;
  /** Resolves once this instance's checkpoint is at or past `position` (rejects on timeout or stop). */
  whenCaughtUp(position: Position, options?: { readonly timeoutMs?: number; readonly signal?: AbortSignal }): Promise<void>;
  /** Last checkpoint this instance wrote (or read at start). */
  checkpoint(): Position | undefined;
  /** Whether this instance holds the lease now. */
  isActive(): boolean;
  /** Stops at a checkpoint boundary and releases the lease. */
  stop(): Promise<void>;
  /**
   * Settles when the processor has ended: with `undefined` after `stop()`, with the error when it gave up (strict
   * mode's `PoisonEventError`). Never rejects.
   */
  readonly finished: Promise<Error | undefined>;
}
