import type pg from 'pg';
import type { EventStore, Position, ProcessorDefinition } from '@orderflow/platform';

/**
 * Feeds a projector the matching events of the global log after `from`, batch by batch, as the runtime would (a
 * transaction around each batch of a transactional projector). For tests and the benchmark; returns the last position.
 * `onBatch` runs after each committed batch and is awaited (a test can read the models between batches).
 */
export async function replay(
  store: EventStore,
  projector: ProcessorDefinition,
  pool: pg.Pool,
  options: { readonly from?: Position; readonly onBatch?: (events: number) => void | Promise<void> } = {},
): Promise<Position | undefined> {
  let from: Position | 'start' = options.from ?? 'start';
  let last = options.from;
  const batchSize = projector.batchSize ?? 500;
  const signal = new AbortController().signal;
  for (;;) {
    const events = await store.readAll({ from, maxCount: batchSize, ...(projector.filter && { filter: projector.filter }) });
    if (events.length === 0) return last;
    if (projector.transactional) {
      const client = await pool.connect();
      try {
        await client.query('begin');
        await projector.handleBatch(events, { processor: projector.name, tx: client, mode: 'rebuild', signal });
        await client.query('commit');
      } catch (err) {
        await client.query('rollback');
        throw err;
      } finally {
        client.release();
      }
    } else await projector.handleBatch(events, { processor: projector.name, tx: undefined, mode: 'rebuild', signal });
    await options.onBatch?.(events.length);
    last = events.at(-1)?.position;
    if (last === undefined) return undefined;
    from = last;
  }
}
