/**
 * The real stock projector (`stock`) and the stock ledger (`stock-ledger`, `stockLedger.ts`), each a transactional
 * processor, alone in a process for the crash test (`projectors/killedMidBatch.int.spec.ts`):
 * `node --conditions=@orderflow/source --import tsx stockProcessorsProcess.ts` with DATABASE_URL, BATCH_SIZE (events
 * per batch of both) and LEDGER_DELAY_MS.
 *
 * KILL_AT=<processor>:<n>:<point>[,…] holds each named processor in its n-th transaction of this run, at `written`
 * (the batch's rows written, its checkpoint not), `fenced` (checkpoint written, COMMIT not sent) or `committing`
 * (COMMIT sent, its answer never read); once every one named is held there, the process prints
 * `kill <processor> <n> <point> <checkpoint>` for each (the checkpoint that transaction carries) and SIGKILLs itself.
 * SIGTERM stops both processors at a checkpoint and exits 0.
 */
import { writeSync } from 'node:fs';
import { createEventStore, createLogger, startProcessor } from '@orderflow/platform';
import pg from 'pg';
import { createStockProjector, stockProcessorName } from '../projectors/stock/stockProjector.js';
import { createStockLedger, stockLedgerName } from './stockLedger.js';

const databaseUrl = process.env.DATABASE_URL;
if (databaseUrl === undefined) throw new Error('DATABASE_URL is required');
const batchSize = Number(process.env.BATCH_SIZE ?? 150);
const kills = new Map(
  (process.env.KILL_AT ?? '')
    .split(',')
    .filter((spec) => spec !== '')
    .map((spec) => {
      const [processor = '', n = '', point = ''] = spec.split(':');
      if (!['written', 'fenced', 'committing'].includes(point)) throw new Error(`KILL_AT: bad point in ${spec}`);
      return [processor, { n: Number(n), point }] as const;
    }),
);

const held: string[] = [];
/** Holds the caller for good; the last processor to arrive kills the process. */
function hold(line: string): Promise<never> {
  held.push(line);
  if (held.length === kills.size) {
    writeSync(1, held.map((l) => `kill ${l}\n`).join(''));
    process.kill(process.pid, 'SIGKILL');
  }
  return new Promise<never>(() => undefined);
}

const checkpointWrite = /update processing\.processors set checkpoint = \$3/;
type Query = (...args: unknown[]) => unknown;

/** The processor's own pool; when it is to be killed, its clients count its checkpoint writes and hold at the point. */
function poolOf(processor: string): pg.Pool {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 4 });
  const kill = kills.get(processor);
  if (kill === undefined) return pool;
  let transactions = 0;
  pool.on('connect', (client) => {
    const target = client as unknown as { query: Query };
    const query = target.query.bind(client);
    let committing: string | undefined;
    target.query = (...args: unknown[]) => {
      // A statement comes as its text and values, or as one config object (prepared statements).
      const config = typeof args[0] === 'object' && args[0] !== null ? (args[0] as { text?: unknown; values?: unknown[] }) : undefined;
      const text = typeof args[0] === 'string' ? args[0] : typeof config?.text === 'string' ? config.text : '';
      const values = config?.values ?? (args[1] as unknown[] | undefined);
      if (checkpointWrite.test(text) && (transactions += 1) === kill.n) {
        const line = `${processor} ${kill.n} ${kill.point} ${String(values?.[2])}`;
        if (kill.point === 'written') return hold(line);
        if (kill.point === 'fenced') return (query(...args) as Promise<unknown>).then(() => hold(line));
        committing = line;
      } else if (text === 'commit' && committing !== undefined) {
        (query(...args) as Promise<unknown>).catch(() => undefined);
        return hold(committing);
      }
      return query(...args);
    };
  });
  return pool;
}

const logger = createLogger('stock-processors-process', process.env.LOG_LEVEL ?? 'warn', {
  format: 'json',
  destination: { write: (line: string) => process.stderr.write(line) },
});
const store = await createEventStore({ databaseUrl });
const stockPool = poolOf(stockProcessorName);
const ledgerPool = poolOf(stockLedgerName);
const stock = createStockProjector({ pool: stockPool });
await stock.ensure();
const options = { lagSampleMs: 0, heartbeatMs: 500, leaseRetryMs: 100 };
const running = [
  startProcessor({ ...stock, batchSize }, { store, pool: stockPool, logger, options }),
  startProcessor(createStockLedger({ batchSize, delayMs: Number(process.env.LEDGER_DELAY_MS ?? 0) }), {
    store,
    pool: ledgerPool,
    logger,
    options,
  }),
];

process.once('SIGTERM', () => {
  void (async () => {
    await Promise.all(running.map((r) => r.stop()));
    await store.close();
    await Promise.all([stockPool.end(), ledgerPool.end()]);
    process.exit(0);
  })();
});
