import type pg from 'pg';
import type { Logger } from 'pino';
import { comparePositions } from '../eventStore/position.js';
import type { EventStore, Position } from '../eventStore/types.js';
import { createLogger } from '../logger.js';
import { createBatchExecutor, defaultRetry } from './batchExecutor.js';
import { writeCheckpoint } from './checkpointStore.js';
import { LeaseLostError } from './errors.js';
import { sampleLag } from './lag.js';
import { acquireLease } from './lease.js';
import { migrateProcessing } from './migrateProcessing.js';
import { instanceOwner } from './startProcessor.js';
import type { ProcessorDefinition, ProcessorOptions } from './types.js';

export interface RebuildProgress {
  readonly processed: number;
  /** Matching events up to the head when the rebuild began (`undefined` if they could not be counted). */
  readonly total: number | undefined;
  readonly eventsPerSecond: number;
  readonly etaSeconds: number | undefined;
}

export interface RebuildOptions {
  readonly store: EventStore;
  readonly pool: pg.Pool;
  /** Fill a shadow (prepare `{ blueGreen: true }`) and swap it in at the end; otherwise the live model is cleared. */
  readonly blueGreen?: boolean;
  /** Stop at the first event that still fails after the retries instead of parking it. */
  readonly strict?: boolean;
  /** Events per `handleBatch` call (default 5,000). */
  readonly batchSize?: number;
  readonly retry?: ProcessorOptions['retry'];
  /** How long to wait for the lease before terminating the running instance's lease connection (default 0). */
  readonly leaseWaitMs?: number;
  readonly onProgress?: (progress: RebuildProgress) => void;
  readonly signal?: AbortSignal;
  readonly logger?: Logger;
}

export interface RebuildResult {
  readonly processed: number;
  readonly checkpoint: Position | undefined;
  readonly seconds: number;
  readonly eventsPerSecond: number;
}

/**
 * Rebuilds a processor's model from the start of the log (`orderflow projections rebuild`):
 * 1. takes the lease — a running instance has its lease connection terminated (after `leaseWaitMs`), goes back to
 *    waiting, and resumes from the new checkpoint when the rebuild releases the lease;
 * 2. `rebuild.prepare({ blueGreen })`: clears the live model, or creates an empty shadow;
 * 3. replays every matching event in `mode: 'rebuild'` batches up to the head (also what arrives meanwhile);
 *    without blue-green each batch commits its checkpoint as the live processor would (a crashed rebuild resumes);
 *    with blue-green the live checkpoint is left alone and each batch is only fenced;
 * 4. blue-green: `rebuild.swap()` then the checkpoint is set to the last replayed position, or to the live checkpoint
 *    if that was further (pages without a matching event move a live processor past its last one; the replay read
 *    every matching event up to a head read after it, so none lies between the two). "Atomically" means: for
 *    transactional processors `swap` runs inside the transaction that writes the checkpoint (it gets `tx`), so both
 *    commit or neither does; for the others `swap` is atomic on its own (a collection rename) and the checkpoint
 *    follows while this rebuild still holds the lease, so no instance applies anything in between — a crash between
 *    the two only replays position-guarded events, which changes nothing.
 */
export async function rebuildProcessor(definition: ProcessorDefinition, options: RebuildOptions): Promise<RebuildResult> {
  const { store, pool } = options;
  const name = definition.name;
  const logger = (options.logger ?? createLogger('processing')).child({ processor: name, rebuild: true });
  const blueGreen = options.blueGreen === true;
  const batchSize = Math.max(1, options.batchSize ?? 5_000);
  const signal = options.signal ?? new AbortController().signal;
  await migrateProcessing(pool);

  const leaseSignal = AbortSignal.any([signal, AbortSignal.timeout(Math.max(0, options.leaseWaitMs ?? 0) + 30_000)]);
  const takeoverAt = Date.now() + (options.leaseWaitMs ?? 0);
  const lease = await acquireLease({
    pool,
    name,
    owner: `rebuild:${instanceOwner()}`,
    heartbeatMs: 2_000,
    retryMs: 250,
    logger,
    signal: leaseSignal,
    get takeover() {
      return Date.now() >= takeoverAt;
    },
  });
  if (lease === undefined) throw new Error(`rebuild of ${name}: could not take the lease${signal.aborted ? ' (aborted)' : ''}`);
  try {
    // Without blue-green the live model is about to be cleared: from now on its checkpoint must say "nothing applied".
    if (!blueGreen) await writeCheckpointFenced(pool, name, lease.epoch, undefined);
    await definition.rebuild?.prepare({ blueGreen });
    if (definition.rebuild === undefined) logger.warn('processor has no rebuild hooks: replaying over the existing model');
    const total = await sampleLag(store, pool, definition.filter, undefined, 10_000_000)
      .then((lag) => lag.eventsBehind)
      .catch(() => undefined);
    const execute = createBatchExecutor({
      definition,
      pool,
      logger,
      retry: { ...defaultRetry, ...options.retry },
      strict: options.strict === true,
      epoch: lease.epoch,
      moveCheckpoint: !blueGreen,
      signal: AbortSignal.any([lease.signal, signal]),
    });
    const began = performance.now();
    let processed = 0;
    let position: Position | undefined;
    const progress = () => {
      const seconds = (performance.now() - began) / 1000;
      const eventsPerSecond = seconds > 0 ? processed / seconds : 0;
      const left = total === undefined ? undefined : Math.max(0, total - processed);
      options.onProgress?.({
        processed,
        total,
        eventsPerSecond,
        etaSeconds: left === undefined || eventsPerSecond === 0 ? undefined : left / eventsPerSecond,
      });
    };
    progress();
    for (;;) {
      if (signal.aborted) throw new Error(`rebuild of ${name} aborted after ${processed} events`);
      if (lease.signal.aborted) throw new LeaseLostError(name, String(lease.signal.reason));
      const events = await store.readAll({
        from: position ?? 'start',
        maxCount: batchSize,
        ...(definition.filter && { filter: definition.filter }),
      });
      const last = events.at(-1);
      if (last === undefined) break;
      await execute(events, last.position, 'rebuild');
      processed += events.length;
      position = last.position;
      progress();
      if (events.length < batchSize) break;
    }
    const checkpoint = blueGreen ? later(position, lease.checkpoint) : position;
    if (blueGreen) await swapIn(definition, pool, lease.epoch, checkpoint);
    const seconds = (performance.now() - began) / 1000;
    logger.info({ processed, seconds, checkpoint }, 'rebuild done');
    return { processed, checkpoint, seconds, eventsPerSecond: seconds > 0 ? processed / seconds : 0 };
  } finally {
    await lease.release();
  }
}

function later(a: Position | undefined, b: Position | undefined): Position | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return comparePositions(a, b) >= 0 ? a : b;
}

async function swapIn(definition: ProcessorDefinition, pool: pg.Pool, epoch: string, position: Position | undefined): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('begin');
    await definition.rebuild?.swap?.(definition.transactional ? { tx: client } : {});
    await writeCheckpointFenced(client, definition.name, epoch, position);
    await client.query('commit');
  } catch (err) {
    await client.query('rollback').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}

/** The checkpoint after a rebuild: the last replayed position, or none when nothing matched (fenced by the epoch). */
async function writeCheckpointFenced(
  db: Pick<pg.ClientBase, 'query'>,
  name: string,
  epoch: string,
  position: Position | undefined,
): Promise<void> {
  const ok =
    position === undefined
      ? (
          await db.query('update processing.processors set checkpoint = null, updated_at = now() where name = $1 and epoch = $2', [
            name,
            epoch,
          ])
        ).rowCount === 1
      : await writeCheckpoint(db, name, epoch, position);
  if (!ok) throw new LeaseLostError(name, 'epoch moved on before the rebuild could set the checkpoint');
}
