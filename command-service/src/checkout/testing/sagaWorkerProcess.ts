/**
 * The checkout worker alone in a process, for the crash-safety test: `node --conditions=@orderflow/source --import tsx
 * sagaWorkerProcess.ts` with DATABASE_URL and GATEWAY_URL. With KILL_AFTER_STEPS=n it SIGKILLs itself on the n-th
 * "checkout step recorded" line — a step decided and recorded, none of its effects carried out yet. SIGTERM stops it
 * cleanly and prints `steps <n>`, the steps it recorded. Prints `ready` once the worker runs.
 */
import { createEventStore, createLogger } from '@orderflow/platform';
import pg from 'pg';
import { createHttpPaymentGateway } from '../../payments/httpPaymentGateway.js';
import { testPolicy } from '../checkoutTesting.js';
import { startCheckoutWorker } from '../checkoutWorker.js';

const databaseUrl = process.env.DATABASE_URL;
const gatewayUrl = process.env.GATEWAY_URL;
if (databaseUrl === undefined || gatewayUrl === undefined) throw new Error('DATABASE_URL and GATEWAY_URL are required');
const killAfter = process.env.KILL_AFTER_STEPS === undefined ? undefined : Number(process.env.KILL_AFTER_STEPS);

let steps = 0;
const logger = createLogger('saga-worker-process', 'debug', {
  format: 'json',
  destination: {
    write(line: string) {
      if (line.includes('"msg":"checkout step recorded"')) {
        steps += 1;
        if (steps === killAfter) process.kill(process.pid, 'SIGKILL');
      } else if (line.includes('"level":50') || line.includes('"level":40')) process.stderr.write(line);
    },
  },
});

const store = await createEventStore({ databaseUrl });
const pool = new pg.Pool({ connectionString: databaseUrl, max: 6 });
const gateway = createHttpPaymentGateway({
  baseUrl: gatewayUrl,
  timeoutMs: 1_000,
  retries: 2,
  backoff: { initialDelayMs: 20, maxDelayMs: 100 },
  logger,
});
// The test's short limits, but for the payment and reservation deadlines: the test is about crash safety, and a killed
// worker's successor that is slow to start on a loaded machine must not turn a completing order into a timed-out one.
const policy = { ...testPolicy, paymentTimeoutMs: 60_000, reservationTtlMs: 120_000 };
const worker = await startCheckoutWorker({ store, pool, gateway, logger, config: { tickMs: 100, policy } });
process.stdout.write('ready\n');

process.once('SIGTERM', () => {
  void (async () => {
    await worker.stop();
    process.stdout.write(`steps ${steps}\n`);
    await store.close();
    await pool.end();
    process.exit(0);
  })();
});
