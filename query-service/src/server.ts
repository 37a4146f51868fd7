import { closeOnSignals, createLogger, loadConfig } from '@orderflow/platform';
import { queryOptionsFromEnv } from './queryConfig.js';
import { createQueryService } from './queryService.js';

/** Process entry of the query service alone (full topology): `pnpm --filter @orderflow/query-service start`. */
const config = loadConfig();
const databaseUrl = config.DATABASE_URL ?? (config.EVENTSTORE_URL?.startsWith('postgres') === true ? config.EVENTSTORE_URL : undefined);
if (databaseUrl === undefined) throw new Error('DATABASE_URL is required (the catalog and the processors’ checkpoints live in PostgreSQL)');
const logger = createLogger('query-service', config.LOG_LEVEL);
const app = await createQueryService({
  config,
  databaseUrl,
  logger,
  ...queryOptionsFromEnv(),
});
await app.listen({ host: config.HOST, port: config.QUERY_PORT });

closeOnSignals(logger, () => app.close());
