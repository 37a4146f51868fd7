import { Command, Option } from 'commander';
import { checkoutOperators, type CheckoutRow } from '@orderflow/command-service';
import { createEventStore, loadConfig } from '@orderflow/platform';
import pg from 'pg';
import { cleanly } from './cleanly.js';

interface DatabaseOptions {
  readonly pgPort: number;
}

/** The engine's PostgreSQL: DATABASE_URL, else the embedded server of `orderflow start`. */
function databaseUrlOf(opts: DatabaseOptions): string {
  return loadConfig().DATABASE_URL ?? `postgres://postgres:postgres@127.0.0.1:${opts.pgPort}/postgres`;
}

/** Thrown when the saga's tables are missing: no checkout worker ever ran against this database. */
class SagaNeverRan extends Error {
  constructor() {
    super('the checkout saga has not run against this database yet (no checkout tables)');
  }
}

async function withPool<T>(opts: DatabaseOptions, work: (pool: pg.Pool) => Promise<T>): Promise<T> {
  const pool = new pg.Pool({ connectionString: databaseUrlOf(opts), max: 2 });
  try {
    return await work(pool);
  } catch (err) {
    // 42P01 undefined_table, 3F000 undefined_schema.
    if (err instanceof Error && 'code' in err && (err.code === '42P01' || err.code === '3F000')) throw new SagaNeverRan();
    throw err;
  } finally {
    await pool.end();
  }
}

const pgPortOption = () =>
  new Option('--pg-port <port>', 'embedded PostgreSQL port (without DATABASE_URL)')
    .env('ORDERFLOW_PG_PORT')
    .default(54329)
    .argParser(Number);

/** `orderflow checkouts list [--stuck] | retry <orderId> | cancel <orderId>`: operators' view of the checkout saga. */
export function checkoutsCommand(): Command {
  const command = new Command('checkouts').description('checkouts of the saga: list (stuck ones), retry, cancel');
  command
    .command('list')
    .description('checkouts, newest first, with their phase and next timer')
    .option('--stuck', 'only those raised to operators, open without a timer, or open too long')
    .option('--stuck-after <seconds>', 'open and unchanged this long counts as stuck', Number, 300)
    .option('--limit <n>', 'at most this many', Number, 100)
    .option('--json', 'one JSON object per line')
    .addOption(pgPortOption())
    .action(
      cleanly(async (opts: DatabaseOptions & { stuck?: boolean; stuckAfter: number; limit: number; json?: boolean }) => {
        let rows: CheckoutRow[];
        try {
          rows = await withPool(opts, (pool) =>
            checkoutOperators.list(pool, { stuck: opts.stuck === true, stuckAfterMs: opts.stuckAfter * 1000, limit: opts.limit }),
          );
        } catch (err) {
          if (!(err instanceof SagaNeverRan)) throw err;
          // Nothing to list is an answer, not a failure.
          if (opts.json !== true) process.stdout.write(`no checkouts: ${err.message}\n`);
          return;
        }
        if (opts.json === true) {
          for (const row of rows) process.stdout.write(`${JSON.stringify(row)}\n`);
          return;
        }
        process.stdout.write(`${'order'.padEnd(38)}${'phase'.padEnd(14)}${'reason'.padEnd(22)}${'updated'.padEnd(26)}next timer\n`);
        for (const r of rows)
          process.stdout.write(
            `${r.orderId.padEnd(38)}${r.phase.padEnd(14)}${(r.reason ?? '').padEnd(22)}${r.updatedAt.toISOString().padEnd(26)}${r.nextTimerAt?.toISOString() ?? '-'}\n`,
          );
        process.stdout.write(`${rows.length} checkout(s)\n`);
      }),
    );
  command
    .command('retry')
    .description('ask the running saga to retry a checkout now (outstanding effects again; a failed capture again)')
    .argument('<orderId>')
    .addOption(pgPortOption())
    .action(
      cleanly(async (orderId: string, opts: DatabaseOptions) => {
        const row = await withPool(opts, (pool) => checkoutOperators.retry(pool, orderId));
        process.stdout.write(`retry requested for ${orderId} (was ${row.phase})\n`);
      }),
    );
  command
    .command('cancel')
    .description('cancel the order as an operator; the saga releases, voids or refunds what it holds')
    .argument('<orderId>')
    .option('--operator <name>', 'who cancels (recorded as the actor)', 'cli')
    .option('--detail <text>', 'why, recorded with the cancellation')
    .addOption(pgPortOption())
    .action(
      cleanly(async (orderId: string, opts: DatabaseOptions & { operator: string; detail?: string }) => {
        const config = loadConfig();
        const databaseUrl = databaseUrlOf(opts);
        const store = await createEventStore({
          ...(config.EVENTSTORE_URL === undefined ? {} : { eventStoreUrl: config.EVENTSTORE_URL }),
          databaseUrl,
        });
        try {
          const { cancelled } = await checkoutOperators.cancel(store, orderId, opts.operator, opts.detail);
          process.stdout.write(cancelled ? `order ${orderId} cancelled (operator)\n` : `order ${orderId} was already cancelled\n`);
        } finally {
          await store.close();
        }
      }),
    );
  return command;
}
