import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type pg from 'pg';
import type { Logger } from 'pino';
import { comparePositions } from '../eventStore/position.js';
import type { EventStore, Position, RecordedEvent } from '../eventStore/types.js';
import { createLogger } from '../logger.js';
import { createBatchExecutor, defaultRetry, type BatchExecutor } from './batchExecutor.js';
import { backoffMs, delay } from './delay.js';
import { LeaseLostError, PoisonEventError } from './errors.js';
import { sampleLag } from './lag.js';
import { acquireLease, type HeldLease } from './lease.js';
import { migrateProcessing } from './migrateProcessing.js';
import { processorMetrics } from './metrics.js';
import { PositionWaiters, reached } from './positionWaiters.js';
import type { ProcessorDefinition, ProcessorOptions, RunningProcessor } from './types.js';

/** Batches read from the subscription ahead of the one being applied: bounds the memory of the read-ahead. */
const readAheadBatches = 2;

interface PendingBatch {
  readonly events: RecordedEvent[];
  /** The checkpoint once the batch is applied (past its last event, or the subscription's scanned position). */
  readonly position: Position;
  readonly live: boolean;
}

/** A bounded hand-off from the subscription reader to the batch loop; `take` rethrows the reader's error once drained. */
class BatchChannel {
  readonly #items: PendingBatch[] = [];
  readonly #capacity: number;
  #ended: { readonly error?: unknown } | undefined;
  #wake: (() => void) | undefined;

  constructor(capacity: number) {
    this.#capacity = capacity;
  }

  get size(): number {
    return this.#items.length;
  }

  /** Waits for room, then queues; after `end` it drops the batch (nobody will apply it). */
  async put(batch: PendingBatch): Promise<void> {
    while (this.#items.length >= this.#capacity && this.#ended === undefined) await this.#changed();
    if (this.#ended === undefined) this.#items.push(batch);
    this.#notify();
  }

  async take(): Promise<PendingBatch | undefined> {
    for (;;) {
      const batch = this.#items.shift();
      if (batch !== undefined) {
        this.#notify();
        return batch;
      }
      if (this.#ended !== undefined) {
        if ('error' in this.#ended) throw this.#ended.error;
        return undefined;
      }
      await this.#changed();
    }
  }

  /** No more batches: `take` returns `undefined` once the queue is empty. */
  end(): void {
    this.#ended ??= {};
    this.#notify();
  }

  /** The reader failed: `take` throws `error` once the queue is empty. */
  fail(error: unknown): void {
    this.#ended ??= { error };
    this.#notify();
  }

  #changed(): Promise<void> {
    return new Promise((resolve) => {
      const previous = this.#wake;
      this.#wake = () => {
        previous?.();
        resolve();
      };
    });
  }

  #notify(): void {
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }
}

export interface ProcessorDependencies {
  readonly store: EventStore;
  /** The PostgreSQL holding the `processing` schema (and, for transactional processors, the read model). */
  readonly pool: pg.Pool;
  readonly logger?: Logger;
  readonly options?: ProcessorOptions;
}

/** `host:pid:uuid`: who holds a lease, as `orderflow projections status` shows it. */
export function instanceOwner(): string {
  return `${hostname()}:${process.pid}:${randomUUID()}`;
}

/**
 * Runs `definition` over the global log (DESIGN.md §5, Projections): waits for the processor's lease, then
 * subscribes from the stored checkpoint, applies batches through `createBatchExecutor` and persists every checkpoint
 * (also those of pages without a matching event, so consistency waits finish). Losing the lease sends it back to
 * waiting; only `stop()` or a strict-mode poison event ends it. Nothing escapes as an unhandled rejection.
 */
export function startProcessor(definition: ProcessorDefinition, deps: ProcessorDependencies): RunningProcessor {
  const { store, pool } = deps;
  const name = definition.name;
  const options = deps.options ?? {};
  const logger = (deps.logger ?? createLogger('processing')).child({ processor: name });
  const batchSize = Math.max(1, definition.batchSize ?? 500);
  const retry = { ...defaultRetry, ...options.retry };
  const heartbeatMs = options.heartbeatMs ?? 2_000;
  const lagSampleMs = options.lagSampleMs ?? 5_000;
  const owner = instanceOwner();
  const stopping = new AbortController();
  const hardStop = new AbortController();
  const waiters = new PositionWaiters();
  let checkpoint: Position | undefined;
  let active = false;
  let held: HeldLease | undefined;
  const isStopping = () => stopping.signal.aborted;

  const advance = (position: Position) => {
    if (checkpoint === undefined || comparePositions(position, checkpoint) > 0) checkpoint = position;
    waiters.advance(position);
  };

  const runWithLease = async (lease: HeldLease) => {
    checkpoint = lease.checkpoint;
    if (checkpoint !== undefined) waiters.advance(checkpoint);
    const reading = new AbortController();
    const subscriptionSignal = AbortSignal.any([lease.signal, stopping.signal, reading.signal]);
    const execute: BatchExecutor = createBatchExecutor({
      definition,
      pool,
      logger,
      retry,
      strict: options.strict === true,
      epoch: lease.epoch,
      moveCheckpoint: true,
      signal: AbortSignal.any([lease.signal, hardStop.signal]),
      onCommitted: advance,
    });
    const apply = async ({ events, position, live }: PendingBatch) => {
      await execute(events, position, live ? 'live' : 'catch-up');
      const committedAt = Date.now();
      if (live)
        for (const event of events)
          processorMetrics.eventLagSeconds.observe({ processor: name }, (committedAt - event.recordedAt.getTime()) / 1000);
      const last = events.at(-1);
      if (live) processorMetrics.lagSeconds.set({ processor: name }, 0);
      else if (last !== undefined)
        processorMetrics.lagSeconds.set({ processor: name }, Math.max(0, (committedAt - last.recordedAt.getTime()) / 1000));
    };
    // Reads ahead (bounded) while a batch is applied, so the next pages are read while the handler waits on its I/O.
    const ahead = new BatchChannel(readAheadBatches);
    const read = async () => {
      let buffer: RecordedEvent[] = [];
      let live = false;
      let queued = checkpoint;
      const cut = async (position: Position) => {
        const events = buffer;
        buffer = [];
        queued = position;
        await ahead.put({ events, position, live });
      };
      for await (const item of store.subscribeToAll({
        from: checkpoint ?? 'start',
        ...(definition.filter && { filter: definition.filter }),
        signal: subscriptionSignal,
      })) {
        if (item.kind === 'event') {
          buffer.push(item.event);
          if (buffer.length >= batchSize) await cut(item.event.position);
        } else {
          if (!live) logger.info({ checkpoint: item.position }, 'processor caught up; live');
          live = true;
          if (buffer.length > 0 || !reached(queued, item.position)) await cut(item.position);
          else if (ahead.size === 0) processorMetrics.lagEvents.set({ processor: name }, 0);
        }
        if (subscriptionSignal.aborted) break;
      }
      // Stopping applies what was read (as before the read-ahead); a lost lease or a failed batch does not.
      const last = buffer.at(-1);
      if (last !== undefined && !lease.signal.aborted && !reading.signal.aborted) await cut(last.position);
    };
    const reader = read().then(
      () => {
        ahead.end();
      },
      (err: unknown) => {
        ahead.fail(err);
      },
    );
    const sampler = startLagSampler(lease.signal);
    try {
      // Batches commit one after the other, in log order, until the reader ends (stopped: after what it had read).
      for (let batch = await ahead.take(); batch !== undefined && !lease.signal.aborted; batch = await ahead.take()) {
        await apply(batch);
        if (batch.live && ahead.size === 0) processorMetrics.lagEvents.set({ processor: name }, 0);
      }
    } finally {
      reading.abort(new Error('batch loop ended'));
      ahead.end();
      await reader;
      sampler();
    }
    if (lease.signal.aborted && !stopping.signal.aborted) throw new LeaseLostError(name, String(lease.signal.reason));
  };

  const startLagSampler = (signal: AbortSignal) => {
    if (lagSampleMs <= 0) return () => undefined;
    const timer = setInterval(() => {
      sampleLag(store, pool, definition.filter, checkpoint, 10_000)
        .then((lag) => {
          if (signal.aborted) return;
          processorMetrics.lagEvents.set({ processor: name }, lag.eventsBehind);
          processorMetrics.lagSeconds.set({ processor: name }, lag.secondsBehind);
        })
        .catch((err: unknown) => {
          logger.debug({ err }, 'lag sample failed');
        });
    }, lagSampleMs);
    timer.unref();
    return () => {
      clearInterval(timer);
    };
  };

  const run = async (): Promise<Error | undefined> => {
    for (let failures = 1; !stopping.signal.aborted; failures += 1) {
      try {
        await migrateProcessing(pool);
        break;
      } catch (err) {
        logger.error({ err }, 'processing schema migration failed; retrying');
        await delay(backoffMs(failures, 500, 10_000), stopping.signal);
      }
    }
    let failures = 0;
    while (!stopping.signal.aborted) {
      const lease = await acquireLease({
        pool,
        name,
        owner,
        heartbeatMs,
        logger,
        signal: stopping.signal,
        ...(options.leaseRetryMs !== undefined && { retryMs: options.leaseRetryMs }),
      });
      if (lease === undefined) break;
      held = lease;
      active = true;
      processorMetrics.active.set({ processor: name }, 1);
      try {
        await runWithLease(lease);
        failures = 0;
      } catch (err) {
        if (err instanceof PoisonEventError) {
          logger.error({ err }, 'strict processor stopped at a poison event');
          return err;
        }
        if (err instanceof LeaseLostError) {
          logger.warn({ err }, 'processor lost its lease; waiting to take it again');
          // Whoever displaced this instance (a rebuild, a forced reset) gets the lock first.
          await delay(options.leaseRetryMs ?? 1_000, stopping.signal);
        } else {
          failures += 1;
          logger.error({ err, failures }, 'processor failed; restarting from its checkpoint');
          await delay(backoffMs(failures, 500, 30_000), stopping.signal);
        }
      } finally {
        held = undefined;
        active = false;
        processorMetrics.active.set({ processor: name }, 0);
        await lease.release();
      }
    }
    return undefined;
  };

  const finished = run()
    .catch((err: unknown) => {
      logger.error({ err }, 'processor crashed');
      return err instanceof Error ? err : new Error(String(err));
    })
    .finally(() => {
      waiters.closeAll();
    });

  return {
    name,
    finished,
    async whenCaughtUp(position, waitOptions = {}) {
      if (reached(checkpoint, position)) return;
      if (isStopping()) throw new Error(`processor ${name} is stopped`);
      if (waiters.size > 10_000) throw new Error(`processor ${name}: too many callers waiting`);
      const passed = await waiters.wait(position, waitOptions);
      if (!passed) {
        const why =
          waitOptions.signal?.aborted === true ? 'aborted' : isStopping() ? 'stopped' : `timed out after ${waitOptions.timeoutMs ?? 0} ms`;
        throw new Error(`processor ${name} is at ${checkpoint ?? 'the start'}, not yet at ${position}: ${why}`);
      }
    },
    checkpoint: () => checkpoint,
    isActive: () => active,
    async stop() {
      stopping.abort(new Error('stopped'));
      // A batch that ignores its signal cannot hold the lease hostage: past the timeout the lease is released (the
      // fence then refuses that batch's commit) and stop returns without it.
      let timer: NodeJS.Timeout | undefined;
      const givenUp = new Promise<void>((resolve) => {
        timer = setTimeout(() => {
          hardStop.abort(new Error('stop timed out'));
          logger.warn('batch still running after the stop timeout; releasing the lease without it');
          void (held?.release() ?? Promise.resolve()).then(resolve);
        }, options.stopTimeoutMs ?? 10_000);
      });
      try {
        await Promise.race([finished, givenUp]);
      } finally {
        clearTimeout(timer);
      }
    },
  };
}
