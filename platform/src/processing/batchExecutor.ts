import type pg from 'pg';
import type { Logger } from 'pino';
import type { Position, RecordedEvent } from '../eventStore/types.js';
import { checkEpoch, insertDeadLetter, writeCheckpoint } from './checkpointStore.js';
import { backoffMs, delay } from './delay.js';
import { describeError, errorMessage, isTransientError, LeaseLostError, PoisonEventError } from './errors.js';
import { processorMetrics } from './metrics.js';
import { withSpansFromEvents } from '../telemetry/tracing.js';
import type { BatchContext, ProcessorDefinition } from './types.js';

export interface RetryPolicy {
  readonly attempts: number;
  readonly initialDelayMs: number;
  readonly maxDelayMs: number;
}

export const defaultRetry: RetryPolicy = { attempts: 5, initialDelayMs: 100, maxDelayMs: 5_000 };

export interface BatchExecutorOptions {
  readonly definition: ProcessorDefinition;
  readonly pool: pg.Pool;
  readonly logger: Logger;
  readonly retry: RetryPolicy;
  readonly strict: boolean;
  /** The lease's fencing token. */
  readonly epoch: string;
  /** `false` in a blue-green rebuild: batches are fenced but the live checkpoint stays where it is. */
  readonly moveCheckpoint: boolean;
  /** Aborted when the lease is lost or a stop gives up waiting: no more attempts. */
  readonly signal: AbortSignal;
  /** Called after every committed checkpoint (also those of single events while a poison is isolated). */
  readonly onCommitted?: (checkpoint: Position) => void;
}

export type BatchMode = BatchContext['mode'];

/**
 * Applies one batch and its checkpoint, exactly as DESIGN.md §5 asks: transactional processors write the handler's
 * changes and the fenced checkpoint in one transaction; others write the checkpoint after the handler returned.
 * A failing batch is retried with backoff; then each event is tried alone, and the ones that still fail are parked
 * (dead letter and checkpoint past it, in one transaction) or, in strict mode, thrown as `PoisonEventError`.
 * Infrastructure failures are retried for as long as they last and never park anything.
 */
export function createBatchExecutor(options: BatchExecutorOptions) {
  const { definition, pool, logger, retry, signal } = options;
  const processor = definition.name;

  const fence = async (db: Pick<pg.ClientBase, 'query'>, checkpoint: Position) => {
    const ok = options.moveCheckpoint
      ? await writeCheckpoint(db, processor, options.epoch, checkpoint)
      : await checkEpoch(db, processor, options.epoch);
    if (!ok) throw new LeaseLostError(processor, `epoch ${options.epoch} is no longer current; the write was refused`);
  };

  const inTransaction = async (work: (tx: pg.PoolClient) => Promise<void>) => {
    const client = await pool.connect();
    let failure: unknown;
    try {
      await client.query('begin');
      await work(client);
      await client.query('commit');
    } catch (err) {
      failure = err;
      await client.query('rollback').catch(() => undefined);
      throw err;
    } finally {
      // A connection that failed mid-transaction is not reused.
      client.release(failure !== undefined && isTransientError(failure) ? (failure as Error) : undefined);
    }
  };

  // Live and catch-up batches show up in the trace of each event they apply; a rebuild's millions do not.
  const handle = (events: readonly RecordedEvent[], ctx: BatchContext) =>
    ctx.mode === 'rebuild'
      ? definition.handleBatch(events, ctx)
      : withSpansFromEvents(`processor ${processor}`, events, () => definition.handleBatch(events, ctx));

  const commitOnce = async (events: readonly RecordedEvent[], checkpoint: Position, mode: BatchMode) => {
    if (signal.aborted) throw new LeaseLostError(processor, 'stopped before the batch');
    if (definition.transactional) {
      await inTransaction(async (tx) => {
        if (events.length > 0) await handle(events, { processor, tx, mode, signal });
        await fence(tx, checkpoint);
      });
    } else {
      if (events.length > 0) await handle(events, { processor, tx: undefined, mode, signal });
      await fence(pool, checkpoint);
    }
    options.onCommitted?.(checkpoint);
  };

  const park = async (event: RecordedEvent, err: unknown, attempts: number) => {
    await inTransaction(async (tx) => {
      await insertDeadLetter(tx, processor, event, describeError(err), attempts);
      await fence(tx, event.position);
    });
    options.onCommitted?.(event.position);
    processorMetrics.deadLetters.inc({ processor });
    processorMetrics.batches.inc({ processor, outcome: 'parked' });
    logger.error(
      { err, processor, position: event.position, eventType: event.type, streamId: event.streamId, attempts },
      'event parked as a dead letter',
    );
  };

  /** Runs `work` until it succeeds or fails `attempts` times for reasons of its own; returns the last such error. */
  const attempt = async (work: () => Promise<void>, attempts: number): Promise<{ error: unknown; failures: number } | undefined> => {
    let failures = 0;
    let transient = 0;
    for (;;) {
      try {
        await work();
        return undefined;
      } catch (err) {
        if (err instanceof LeaseLostError) {
          processorMetrics.batches.inc({ processor, outcome: 'lost' });
          throw err;
        }
        if (signal.aborted) throw new LeaseLostError(processor, `stopped during the batch (${errorMessage(err)})`);
        if (isTransientError(err)) {
          transient += 1;
          processorMetrics.batches.inc({ processor, outcome: 'transient' });
          logger.warn({ err, processor, attempt: transient }, 'batch hit an infrastructure failure; retrying');
          await delay(backoffMs(transient, retry.initialDelayMs, retry.maxDelayMs), signal);
          continue;
        }
        failures += 1;
        processorMetrics.batches.inc({ processor, outcome: 'failed' });
        if (failures >= attempts) return { error: err, failures };
        logger.warn({ err, processor, attempt: failures, of: attempts }, 'batch failed; retrying');
        await delay(backoffMs(failures, retry.initialDelayMs, retry.maxDelayMs), signal);
      }
    }
  };

  return async function execute(events: readonly RecordedEvent[], checkpoint: Position, mode: BatchMode): Promise<void> {
    const began = performance.now();
    const failed = await attempt(() => commitOnce(events, checkpoint, mode), Math.max(1, retry.attempts));
    if (failed === undefined) {
      processorMetrics.batches.inc({ processor, outcome: 'ok' });
      processorMetrics.batchSeconds.observe({ processor, mode }, (performance.now() - began) / 1000);
      return;
    }
    // Isolate the poison: every event alone (those before it commit, it is parked, those after it go on).
    for (const event of events) {
      const single = events.length === 1 ? failed : await attempt(() => commitOnce([event], event.position, mode), 1);
      if (single === undefined) continue;
      const attempts = failed.failures + (events.length === 1 ? 0 : single.failures);
      if (options.strict) throw new PoisonEventError(processor, event, attempts, single.error);
      const parking = await attempt(() => park(event, single.error, attempts), Math.max(1, retry.attempts));
      if (parking !== undefined) throw parking.error;
    }
    const last = events.at(-1);
    if (last === undefined || last.position !== checkpoint) {
      const rest = await attempt(() => commitOnce([], checkpoint, mode), Math.max(1, retry.attempts));
      if (rest !== undefined) throw rest.error;
    }
  };
}

export type BatchExecutor = ReturnType<typeof createBatchExecutor>;
