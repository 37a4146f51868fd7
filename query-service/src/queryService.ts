import { createCheckpointWatcher, createDocumentStore, type Config, type DocumentStore, type HttpApp } from '@orderflow/platform';
import type { FastifyBaseLogger } from 'fastify';
import pg from 'pg';
import { buildQueryApp, type QueryAppDeps } from './app.js';
import { createPostgresCatalogReader } from './catalogReader.js';
import { collections, createReadModels } from './readModels.js';

export interface QueryServiceOptions {
  readonly config: Config;
  /** PostgreSQL of the catalog read model and of the processors' checkpoints. */
  readonly databaseUrl: string;
  /** The document read models; default: from configuration (MONGO_URL set → MongoDB, else PostgreSQL JSONB). */
  readonly documents?: DocumentStore;
  readonly logger: FastifyBaseLogger | false;
  readonly consistencyTimeoutMs?: number;
  readonly heartbeatMs?: number;
  readonly orderCache?: QueryAppDeps['orderCache'];
  readonly processors?: QueryAppDeps['processors'];
}

/**
 * The query API with everything it reads from, opened here and closed with the app: a PostgreSQL pool (catalog,
 * checkpoints), the checkpoint watcher, and the document store unless one is passed in (then the caller closes it).
 */
export async function createQueryService(options: QueryServiceOptions): Promise<HttpApp> {
  const { config, databaseUrl } = options;
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 10 });
  pool.on('error', () => undefined);
  const ownDocuments = options.documents === undefined;
  const documents =
    options.documents ??
    (await createDocumentStore({ ...(config.MONGO_URL === undefined ? {} : { mongoUrl: config.MONGO_URL }), databaseUrl }));
  const watcher = createCheckpointWatcher({ pool });
  const app = await buildQueryApp({
    config,
    readModels: createReadModels(documents, createPostgresCatalogReader(pool)),
    watcher,
    logger: options.logger,
    ...(options.processors === undefined ? {} : { processors: options.processors }),
    ...(options.consistencyTimeoutMs === undefined ? {} : { consistencyTimeoutMs: options.consistencyTimeoutMs }),
    ...(options.heartbeatMs === undefined ? {} : { heartbeatMs: options.heartbeatMs }),
    ...(options.orderCache === undefined ? {} : { orderCache: options.orderCache }),
  });
  app.addReadinessCheck({ name: 'postgres', check: () => pool.query('select 1') });
  app.addReadinessCheck({
    name: `documents:${documents.kind}`,
    check: () => documents.collection(collections.orders.name, collections.orders).get('readyz'),
  });
  app.addHook('onClose', async () => {
    await watcher.close();
    if (ownDocuments) await documents.close();
    await pool.end();
  });
  return app;
}
