import { counter, histogram, HttpProblem, isPosition, type Position } from '@orderflow/platform';
import { z } from 'zod';

/**
 * What the query API needs of the processors' checkpoints: platform's `createCheckpointWatcher` (PostgreSQL
 * `processing.processors` plus NOTIFY `orderflow_processing`) fits it.
 */
export interface CheckpointWatcher {
  /** The processor's last known checkpoint. */
  current(name: string): Promise<Position | undefined>;
  /** `true` once the processor's checkpoint is at or past `position`; `false` on timeout or abort. */
  waitFor(name: string, position: Position, options: { readonly timeoutMs: number; readonly signal?: AbortSignal }): Promise<boolean>;
  /** Calls `listener` for every checkpoint seen; returns the unsubscribe function. */
  onCheckpoint(listener: (name: string, position: Position) => void): () => void;
  /**
   * How far `checkpoint` is behind `position` in the event log (events in between, age of the first of them);
   * `undefined` when the watcher cannot tell (no event store in its database).
   */
  distance?(checkpoint: Position | undefined, position: Position): Promise<{ eventsBehind: number; secondsBehind: number } | undefined>;
}

/** The processors whose read models the routes serve (their names in `processing.processors`). */
export interface ProcessorNames {
  readonly orders: string;
  readonly notifications: string;
  readonly catalog: string;
}

export const defaultProcessorNames: ProcessorNames = { orders: 'order-history', notifications: 'notifications', catalog: 'stock' };

export const ConsistentWithParam = z
  .string()
  .max(200)
  .refine(isPosition, 'must be the `position` of a command response')
  .optional()
  .describe('Read-your-writes: the `position` a command returned; the answer waits until the read model has passed it.');

const waitSeconds = histogram<'processor' | 'outcome'>({
  name: 'orderflow_query_consistency_wait_seconds',
  help: 'Time a read waited for its read model to pass the consistency token',
  labelNames: ['processor', 'outcome'],
  buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
});
const timeouts = counter<'processor'>({
  name: 'orderflow_query_consistency_timeouts_total',
  help: 'Reads answered 409 because the read model had not passed the token in time',
  labelNames: ['processor'],
});

export type AwaitConsistency = (processor: string, token: string | undefined, signal?: AbortSignal) => Promise<void>;

/**
 * Read-your-writes (DESIGN.md §5): waits, at most `timeoutMs`, until `processor`'s checkpoint is at or past the
 * token; then the read sees the write. Past the bound it answers 409 with how far behind the model is.
 */
export function createAwaitConsistency(watcher: CheckpointWatcher, timeoutMs: number): AwaitConsistency {
  return async (processor, token, signal) => {
    if (token === undefined) return;
    if (!isPosition(token))
      throw new HttpProblem(400, 'invalid_consistency_token', 'Invalid consistency token', `"${token}" is not a position`);
    const began = performance.now();
    if (await watcher.waitFor(processor, token, { timeoutMs, ...(signal === undefined ? {} : { signal }) })) {
      waitSeconds.observe({ processor, outcome: 'passed' }, (performance.now() - began) / 1000);
      return;
    }
    // Timed out (or the client left, and then nobody reads the answer).
    const checkpoint = await watcher.current(processor);
    const distance = await watcher.distance?.(checkpoint, token);
    waitSeconds.observe({ processor, outcome: 'timeout' }, (performance.now() - began) / 1000);
    timeouts.inc({ processor });
    const at = checkpoint ?? 'the start of the log';
    const howFar =
      distance === undefined
        ? `is at ${at}`
        : `is ${distance.eventsBehind} event${distance.eventsBehind === 1 ? '' : 's'} (${distance.secondsBehind.toFixed(1)} s) behind, at ${at},`;
    throw new HttpProblem(
      409,
      'read_model_behind',
      'Read model behind',
      `The ${processor} read model ${howFar} and had not passed ${token} after ${timeoutMs} ms; retry.`,
      {
        processor,
        checkpoint: checkpoint ?? null,
        consistentWith: token,
        waitedMs: Math.round(performance.now() - began),
        // Events of every type between the checkpoint and the token (an upper bound on what the model has left to
        // read), and the age of the first of them; null when the watcher cannot count them.
        eventsBehind: distance?.eventsBehind ?? null,
        secondsBehind: distance === undefined ? null : Math.round(distance.secondsBehind * 1000) / 1000,
      },
    );
  };
}
