import { closeOnSignals, createLogger, loadConfig } from '@orderflow/platform';
import { z } from 'zod';
import { createQueryService } from './queryService.js';

/** Process entry of the query service alone (full topology): `pnpm --filter @orderflow/query-service start`. */
const config = loadConfig();
const own = z
  .object({
    QUERY_CONSISTENCY_TIMEOUT_MS: z.coerce.number().int().positive().max(60_000).default(5_000),
    QUERY_HEARTBEAT_MS: z.coerce.number().int().positive().default(15_000),
    /** 0 turns the in-process order cache off. */
    QUERY_ORDER_CACHE_TTL_MS: z.coerce.number().int().min(0).max(60_000).default(2_000),
  })
  .parse(process.env);
const databaseUrl = config.DATABASE_URL ?? (config.EVENTSTORE_URL?.startsWith('postgres') === true ? config.EVENTSTORE_URL : undefined);
if (databaseUrl === undefined) throw new Error('DATABASE_URL is required (the catalog and the processors’ checkpoints live in PostgreSQL)');
const logger = createLogger('query-service', config.LOG_LEVEL);
const app = await createQueryService({
  config,
  databaseUrl,
  logger,
  consistencyTimeoutMs: own.QUERY_CONSISTENCY_TIMEOUT_MS,
  heartbeatMs: own.QUERY_HEARTBEAT_MS,
  orderCache: { ttlMs: own.QUERY_ORDER_CACHE_TTL_MS },
});
await app.listen({ host: config.HOST, port: config.QUERY_PORT });

closeOnSignals(logger, () => app.close());
