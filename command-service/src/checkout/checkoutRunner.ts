import type { EventStore, Position, ProcessorDefinition, RecordedEvent, RunningProcessor } from '@orderflow/platform';
import type pg from 'pg';
import type { FastifyBaseLogger as Logger } from 'fastify';

export interface RunnerDeps {
  readonly store: EventStore;
  readonly pool: pg.Pool;
  readonly logger: Logger;
}

/** How the worker runs its processor: the platform's runtime (`startProcessor`) or the small runner below. */
export type StartProcessor = (definition: ProcessorDefinition, deps: RunnerDeps) => RunningProcessor | Promise<RunningProcessor>;

/**
 * A minimal checkpointed runner for a non-transactional processor, for when the platform runtime is not composed in:
 * catch-up then live over `subscribeToAll`, batches of what has arrived, the checkpoint (table
 * `checkout.checkpoints`) written after each batch, a failed batch retried with backoff. No lease: one instance.
 */
export const startCheckpointedRunner: StartProcessor = async (definition, { store, pool, logger }) => {
  const { rows } = await pool.query<{ position: string }>('select position from checkout.checkpoints where name = $1', [definition.name]);
  let checkpoint = rows[0]?.position as Position | undefined;
  const controller = new AbortController();
  const aborted = () => controller.signal.aborted;
  const queue: RecordedEvent[] = [];
  let wake: (() => void) | undefined;
  let lastScanned: Position | undefined;
  const progress = { live: false };
  const waiters = new Set<{ position: Position; resolve: () => void }>();
  const notify = () => {
    wake?.();
    wake = undefined;
  };

  const pump = (async () => {
    const items = store.subscribeToAll({
      from: checkpoint ?? 'start',
      ...(definition.filter === undefined ? {} : { filter: definition.filter }),
      signal: controller.signal,
    });
    for await (const item of items) {
      if (item.kind === 'event') queue.push(item.event);
      else {
        lastScanned = item.position;
        progress.live = true;
      }
      notify();
    }
  })();

  async function save(position: Position): Promise<void> {
    await pool.query(
      `insert into checkout.checkpoints (name, position) values ($1, $2) on conflict (name) do update set position = excluded.position`,
      [definition.name, position],
    );
    checkpoint = position;
    for (const waiter of waiters) if (waiter.position <= position) waiter.resolve();
  }

  const loop = (async () => {
    while (!aborted()) {
      if (queue.length === 0) {
        if (lastScanned !== undefined && (checkpoint === undefined || lastScanned > checkpoint)) {
          await save(lastScanned);
          continue; // events may have arrived meanwhile
        }
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
        continue;
      }
      const batch = queue.splice(0, definition.batchSize ?? 500);
      for (let attempt = 0; ; attempt++) {
        try {
          await definition.handleBatch(batch, {
            processor: definition.name,
            tx: undefined,
            mode: progress.live ? 'live' : 'catch-up',
            signal: controller.signal,
          });
          break;
        } catch (err) {
          if (aborted()) return;
          logger.warn({ err, processor: definition.name, attempt }, 'batch failed; retrying');
          await new Promise((resolve) => setTimeout(resolve, Math.min(100 * 2 ** attempt, 5_000)));
        }
      }
      const last = batch.at(-1);
      if (last !== undefined) await save(last.position);
    }
  })();
  loop.catch((err: unknown) => {
    logger.error({ err, processor: definition.name }, 'processor stopped');
  });

  let finish: (error: Error | undefined) => void = () => undefined;
  const finished = new Promise<Error | undefined>((resolve) => {
    finish = resolve;
  });
  const running = {
    name: definition.name,
    finished,
    checkpoint: () => checkpoint,
    isActive: () => !aborted(),
    whenCaughtUp(position: Position, options: { readonly timeoutMs?: number } = {}): Promise<void> {
      if (checkpoint !== undefined && checkpoint >= position) return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        const waiter = {
          position,
          resolve: () => {
            waiters.delete(waiter);
            resolve();
          },
        };
        waiters.add(waiter);
        if (options.timeoutMs !== undefined)
          setTimeout(() => {
            if (waiters.delete(waiter)) reject(new Error(`${definition.name} not caught up with ${position} in ${options.timeoutMs} ms`));
          }, options.timeoutMs).unref();
      });
    },
    async stop() {
      controller.abort();
      notify();
      await Promise.allSettled([pump, loop]);
      finish(undefined);
    },
  };
  return running;
};
