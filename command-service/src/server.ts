import { createEventStore, createLogger, loadConfig } from '@orderflow/platform';
import { buildCommandApp } from './app.js';

/** Process entry of the command service alone (full topology): `pnpm --filter @orderflow/command-service start`. */
const config = loadConfig();
const databaseUrl = config.DATABASE_URL ?? (config.EVENTSTORE_URL?.startsWith('postgres') === true ? config.EVENTSTORE_URL : undefined);
if (databaseUrl === undefined) throw new Error('DATABASE_URL is required (the command service keeps its idempotency keys in PostgreSQL)');
const logger = createLogger('command-service', config.LOG_LEVEL);
const store = await createEventStore({
  ...(config.EVENTSTORE_URL === undefined ? {} : { eventStoreUrl: config.EVENTSTORE_URL }),
  databaseUrl,
});
const app = await buildCommandApp({ config, store, databaseUrl, logger });
app.addHook('onClose', () => store.close());
await app.listen({ host: config.HOST, port: config.COMMAND_PORT });

for (const signal of ['SIGINT', 'SIGTERM'] as const)
  process.once(signal, () => {
    logger.info({ signal }, 'draining');
    app.close().then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  });
