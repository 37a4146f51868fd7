import pg from 'pg';
import type { Logger } from 'pino';
import { comparePositions, isPosition } from '../eventStore/position.js';
import type { Position } from '../eventStore/types.js';
import { createLogger } from '../logger.js';
import { delay } from './delay.js';
import { logDistance, type Lag } from './lag.js';
import { PositionWaiters, reached } from './positionWaiters.js';
import { checkpointChannel } from './schema.js';

export interface CheckpointWatcherOptions {
  /** Either a connection string (the watcher opens its own pool) or a pool to share. */
  readonly databaseUrl?: string;
  readonly pool?: pg.Pool;
  /** Fallback poll of `processing.processors` when no notification arrives (default 1 s). */
  readonly pollMs?: number;
  readonly logger?: Logger;
}

/** Processors' checkpoints as other processes write them (the query API's consistency waits and live updates). */
export interface CheckpointWatcher {
  /** The processor's last known checkpoint (`undefined`: none yet, or no such processor). */
  current(name: string): Promise<Position | undefined>;
  /** `true` once the processor's checkpoint is at or past `position`; `false` on timeout or abort. */
  waitFor(name: string, position: Position, options: { readonly timeoutMs: number; readonly signal?: AbortSignal }): Promise<boolean>;
  /** Calls `listener` for every checkpoint seen (notified or polled); returns the unsubscribe function. */
  onCheckpoint(listener: (name: string, position: Position) => void): () => void;
  /**
   * How far `checkpoint` is behind `position` in the event store of the watcher's database (events of every type,
   * counted up to 100,000); `undefined` when that database holds no event store or the count fails.
   */
  distance(checkpoint: Position | undefined, position: Position): Promise<Lag | undefined>;
  close(): Promise<void>;
}

/** Events counted at most by `distance`: past it the answer is "at least". */
const distanceCap = 100_000;

/**
 * LISTENs on `orderflow_processing` (each checkpoint write NOTIFYs `<name> <position>` at its commit) on one
 * connection of its own, and polls the table as a fallback (lost connection, missed notification). Checkpoints only
 * move forwards here: a reset is seen as such only through `current` after a restart of the watcher.
 */
export function createCheckpointWatcher(options: CheckpointWatcherOptions): CheckpointWatcher {
  const ownPool = options.pool === undefined;
  const pool = options.pool ?? new pg.Pool({ connectionString: options.databaseUrl, max: 2 });
  if (ownPool) pool.on('error', () => undefined);
  const logger = options.logger ?? createLogger('checkpoint-watcher');
  const pollMs = options.pollMs ?? 1_000;
  const checkpoints = new Map<string, Position>();
  const waiters = new Map<string, PositionWaiters>();
  const listeners = new Set<(name: string, position: Position) => void>();
  const closing = new AbortController();
  const closed = () => closing.signal.aborted;
  let listener: pg.Client | undefined;

  const seen = (name: string, position: Position) => {
    const known = checkpoints.get(name);
    if (known !== undefined && comparePositions(position, known) <= 0) return;
    checkpoints.set(name, position);
    waiters.get(name)?.advance(position);
    for (const listen of [...listeners]) {
      try {
        listen(name, position);
      } catch (err) {
        logger.error({ err, processor: name }, 'checkpoint listener failed');
      }
    }
  };

  const poll = async () => {
    const { rows } = await pool.query<{ name: string; checkpoint: string }>(
      'select name, checkpoint from processing.processors where checkpoint is not null',
    );
    for (const row of rows) if (isPosition(row.checkpoint)) seen(row.name, row.checkpoint);
  };

  const connect = async () => {
    const client = new pg.Client({ ...pool.options, keepAlive: true });
    client.on('error', (err) => {
      logger.warn({ err }, 'checkpoint watcher lost its LISTEN connection; polling until it is back');
      if (listener === client) listener = undefined;
    });
    client.on('notification', (message) => {
      const [name, position] = (message.payload ?? '').split(' ');
      if (name !== undefined && position !== undefined && isPosition(position)) seen(name, position);
    });
    await client.connect();
    await client.query(`listen ${checkpointChannel}`);
    if (closing.signal.aborted) {
      await client.end();
      return;
    }
    listener = client;
  };

  const tryPoll = () =>
    poll().catch((err: unknown) => {
      // Before any processor ran the schema may not exist; the next poll sees it.
      if ((err as { code?: unknown }).code !== '42P01') logger.warn({ err }, 'checkpoint poll failed');
    });

  const ready = (async () => {
    await connect().catch((err: unknown) => {
      logger.warn({ err }, 'checkpoint watcher could not LISTEN; polling');
    });
    await tryPoll();
  })();

  void (async () => {
    await ready;
    while (!closed()) {
      await delay(pollMs, closing.signal);
      if (closed()) break;
      if (listener === undefined) await connect().catch(() => undefined);
      await tryPoll();
    }
  })();

  return {
    async current(name) {
      await ready;
      return checkpoints.get(name);
    },
    async waitFor(name, position, waitOptions) {
      await ready;
      if (reached(checkpoints.get(name), position)) return true;
      if (closing.signal.aborted) return false;
      let forName = waiters.get(name);
      if (forName === undefined) {
        forName = new PositionWaiters();
        waiters.set(name, forName);
      }
      const signal = waitOptions.signal === undefined ? closing.signal : AbortSignal.any([waitOptions.signal, closing.signal]);
      try {
        return await forName.wait(position, { timeoutMs: waitOptions.timeoutMs, signal });
      } finally {
        if (forName.size === 0) waiters.delete(name);
      }
    },
    onCheckpoint(listen) {
      listeners.add(listen);
      return () => {
        listeners.delete(listen);
      };
    },
    async distance(checkpoint, position) {
      return logDistance(pool, checkpoint, position, distanceCap).catch((err: unknown) => {
        logger.debug({ err }, 'could not measure how far behind a checkpoint is');
        return undefined;
      });
    },
    async close() {
      closing.abort();
      await ready;
      const client = listener;
      listener = undefined;
      await client?.end().catch(() => undefined);
      if (ownPool) await pool.end();
    },
  };
}
