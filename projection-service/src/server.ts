import pg from 'pg';
import {
  closeOnSignals,
  createDocumentStore,
  createEventStore,
  createLogger,
  initTelemetryFromConfig,
  loadConfig,
  processorsReadiness,
  startOperationalServer,
} from '@orderflow/platform';
import { startProjectionService } from './projectionService.js';

/**
 * Process entry of the projection service alone (full topology): `pnpm --filter @orderflow/projection-service start`.
 * Serves only `/healthz`, `/readyz` (ready while every processor runs) and `/metrics` on PROJECTION_PORT.
 */
const config = loadConfig();
const telemetry = initTelemetryFromConfig(config, 'projection-service');
const databaseUrl = config.DATABASE_URL ?? (config.EVENTSTORE_URL?.startsWith('postgres') === true ? config.EVENTSTORE_URL : undefined);
if (databaseUrl === undefined)
  throw new Error('DATABASE_URL is required (stock read model, checkpoints and dead letters live in PostgreSQL)');
const logger = createLogger('projection-service', config.LOG_LEVEL, { format: config.LOG_FORMAT });
const store = await createEventStore({
  ...(config.EVENTSTORE_URL === undefined ? {} : { eventStoreUrl: config.EVENTSTORE_URL }),
  databaseUrl,
});
const pool = new pg.Pool({ connectionString: databaseUrl, max: 10 });
pool.on('error', (err) => {
  logger.warn({ err }, 'idle PostgreSQL client failed');
});
const documents = await createDocumentStore({ ...(config.MONGO_URL === undefined ? {} : { mongoUrl: config.MONGO_URL }), databaseUrl });
const service = await startProjectionService({ store, pool, documents, logger });
const operational = await startOperationalServer({
  title: 'projection service',
  host: config.HOST,
  port: config.PROJECTION_PORT,
  auth: config.auth,
  logger,
  readiness: [processorsReadiness(service.processors)],
});
logger.info(
  { processors: service.processors.map((p) => p.name), documents: documents.kind, port: config.PROJECTION_PORT },
  'projection service running',
);

closeOnSignals(logger, async () => {
  await operational.close();
  await service.stop();
  await Promise.all([store.close(), documents.close()]);
  await pool.end();
  await telemetry.shutdown();
});
