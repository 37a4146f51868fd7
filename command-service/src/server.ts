import pg from 'pg';
import {
  closeOnSignals,
  createEventStore,
  createLogger,
  initTelemetryFromConfig,
  loadConfig,
  migrateProcessing,
} from '@orderflow/platform';
import { buildCommandApp } from './app.js';
import { checkoutPolicyFromEnv } from './checkout/checkoutConfig.js';
import { startCheckoutWorker } from './checkout/checkoutWorker.js';
import { createHttpPaymentGateway } from './payments/httpPaymentGateway.js';

/**
 * Process entry of the command service alone (full topology): `pnpm --filter @orderflow/command-service start`.
 * Runs the command API and the checkout saga (with its timers) against the payment gateway at PAYMENT_GATEWAY_URL.
 */
const config = loadConfig();
const policy = checkoutPolicyFromEnv();
const telemetry = initTelemetryFromConfig(config, 'command-service');
const databaseUrl = config.DATABASE_URL ?? (config.EVENTSTORE_URL?.startsWith('postgres') === true ? config.EVENTSTORE_URL : undefined);
if (databaseUrl === undefined)
  throw new Error('DATABASE_URL is required (idempotency keys, saga timers and checkpoints live in PostgreSQL)');
const logger = createLogger('command-service', config.LOG_LEVEL, { format: config.LOG_FORMAT });
const store = await createEventStore({
  ...(config.EVENTSTORE_URL === undefined ? {} : { eventStoreUrl: config.EVENTSTORE_URL }),
  databaseUrl,
});
const pool = new pg.Pool({ connectionString: databaseUrl, max: 10 });
pool.on('error', (err) => {
  logger.warn({ err }, 'idle PostgreSQL client failed');
});
await migrateProcessing(pool);
const gateway = createHttpPaymentGateway({ baseUrl: config.PAYMENT_GATEWAY_URL ?? `http://127.0.0.1:${config.GATEWAY_PORT}`, logger });
const saga = await startCheckoutWorker({ store, pool, gateway, logger, config: { policy } });
const app = await buildCommandApp({ config, store, databaseUrl, logger });
app.addHook('onClose', async () => {
  await saga.stop();
  await pool.end();
  await store.close();
  await telemetry.shutdown();
});
await app.listen({ host: config.HOST, port: config.COMMAND_PORT });

closeOnSignals(logger, () => app.close());
