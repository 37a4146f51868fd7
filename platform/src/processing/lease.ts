import pg from 'pg';
import type { Logger } from 'pino';
import { parsePosition } from '../eventStore/position.js';
import type { Position } from '../eventStore/types.js';
import { delay } from './delay.js';
import { errorMessage } from './errors.js';
import { leaseKeySql } from './schema.js';

export interface LeaseOptions {
  readonly pool: pg.Pool;
  readonly name: string;
  /** `host:pid:uuid` of this instance. */
  readonly owner: string;
  readonly heartbeatMs: number;
  /** Pause between attempts while another instance holds the lease (default 1 s). */
  readonly retryMs?: number;
  /** Terminate the holder's lease connection at once instead of waiting (rebuild, forced operations). */
  readonly takeover?: boolean;
  readonly logger: Logger;
  readonly signal: AbortSignal;
}

/** The lease of one processor, held on a dedicated connection. */
export interface HeldLease {
  /** Fencing token: every checkpoint write of this holder is conditional on it. */
  readonly epoch: string;
  /** The checkpoint stored when the lease was taken. */
  readonly checkpoint: Position | undefined;
  /** Aborted when the lease is lost (connection gone, epoch bumped by someone else) or released. */
  readonly signal: AbortSignal;
  release(): Promise<void>;
}

/**
 * Waits until this instance holds `pg_try_advisory_lock` for the processor on a connection of its own, then bumps
 * the epoch. PostgreSQL frees the lock when that connection dies, so a crashed holder is replaced within `retryMs`;
 * a live but silent holder (no heartbeat for 3 periods) has its lease connection terminated.
 * Returns `undefined` when `signal` aborts first.
 */
export async function acquireLease(options: LeaseOptions): Promise<HeldLease | undefined> {
  const { name, logger, signal } = options;
  const retryMs = options.retryMs ?? 1_000;
  let waitingLogged = false;
  while (!signal.aborted) {
    const client = new pg.Client({ ...options.pool.options, keepAlive: true });
    // Read through a function: the flag changes while the loop awaits, which narrowing cannot see.
    let broken = false;
    const usable = () => !broken && !signal.aborted;
    client.on('error', () => {
      broken = true;
    });
    try {
      await client.connect();
      while (usable()) {
        const { rows } = await client.query<{ ok: boolean }>(`select pg_try_advisory_lock(${leaseKeySql}) as ok`, [name]);
        if (rows[0]?.ok === true) return await hold(client, options);
        if (!waitingLogged) logger.info({ processor: name }, 'processor waiting for its lease');
        waitingLogged = true;
        const displace = options.takeover === true || (await holderIsSilent(client, name, options.heartbeatMs));
        // After terminating the holder, try again as soon as its backend is gone, before it can come back for the lock.
        await delay(displace && (await terminateHolder(client, name, logger)) > 0 ? 20 : retryMs, signal);
      }
    } catch (err) {
      logger.warn({ err, processor: name }, 'processor lease attempt failed; retrying');
      await delay(retryMs, signal);
    }
    await client.end().catch(() => undefined);
  }
  return undefined;
}

async function hold(client: pg.Client, options: LeaseOptions): Promise<HeldLease> {
  const { name, logger } = options;
  const { rows } = await client.query<{ epoch: string; checkpoint: string | null }>(
    `insert into processing.processors (name, owner, owner_pid, epoch, heartbeat_at) values ($1, $2, pg_backend_pid(), 1, now())
     on conflict (name) do update set owner = excluded.owner, owner_pid = excluded.owner_pid,
       epoch = processing.processors.epoch + 1, heartbeat_at = now(), updated_at = now()
     returning epoch::text, checkpoint`,
    [name, options.owner],
  );
  const row = rows[0];
  if (row === undefined) throw new Error(`processor ${name}: lease row not written`);
  const { epoch } = row;
  const controller = new AbortController();
  let released = false;
  const lose = (reason: string) => {
    if (controller.signal.aborted) return;
    clearInterval(timer);
    if (!released) logger.warn({ processor: name, epoch, reason }, 'processor lost its lease');
    controller.abort(new Error(reason));
    void client.end().catch(() => undefined);
  };
  client.removeAllListeners('error');
  client.on('error', (err) => {
    lose(`lease connection failed: ${err.message}`);
  });
  client.on('end', () => {
    lose('lease connection closed');
  });
  let beating = false;
  const timer = setInterval(() => {
    if (beating) return;
    beating = true;
    client
      .query('update processing.processors set heartbeat_at = now() where name = $1 and epoch = $2', [name, epoch])
      .then((result) => {
        if (result.rowCount === 0) lose('epoch moved on (another holder or a forced reset)');
      })
      .catch((err: unknown) => {
        lose(`heartbeat failed: ${errorMessage(err)}`);
      })
      .finally(() => {
        beating = false;
      });
  }, options.heartbeatMs);
  timer.unref();
  logger.info({ processor: name, epoch, owner: options.owner }, 'processor holds its lease');
  return {
    epoch,
    checkpoint: row.checkpoint === null ? undefined : parsePosition(row.checkpoint),
    signal: controller.signal,
    async release() {
      if (released) return;
      released = true;
      clearInterval(timer);
      if (!controller.signal.aborted) {
        await client
          .query('update processing.processors set owner = null, owner_pid = null where name = $1 and epoch = $2', [name, epoch])
          .then(() => client.query(`select pg_advisory_unlock(${leaseKeySql})`, [name]))
          .catch((err: unknown) => {
            logger.warn({ err, processor: name }, 'processor lease release failed; the closed connection frees it');
          });
      }
      controller.abort(new Error('released'));
      await client.end().catch(() => undefined);
    },
  };
}

async function holderIsSilent(client: pg.Client, name: string, heartbeatMs: number): Promise<boolean> {
  const { rows } = await client.query<{ silent: boolean }>(
    `select heartbeat_at < now() - make_interval(secs => $2::double precision) as silent from processing.processors where name = $1`,
    [name, (3 * heartbeatMs) / 1000],
  );
  return rows[0]?.silent === true;
}

/** Terminates the backend holding the processor's advisory lock (its lease connection), which frees the lock. */
export async function terminateHolder(client: pg.ClientBase, name: string, logger: Logger): Promise<number> {
  const { rows } = await client.query<{ pid: number }>(
    `select pid, pg_terminate_backend(pid) from pg_locks
      where locktype = 'advisory' and granted and objsubid = 1 and database = (select oid from pg_database where datname = current_database())
        and ((classid::bigint << 32) | objid::bigint) = ${leaseKeySql}`,
    [name],
  );
  for (const { pid } of rows) logger.warn({ processor: name, pid }, 'terminated the lease connection of a silent or displaced holder');
  return rows.length;
}
