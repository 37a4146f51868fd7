import { createHttpApp, type Config, type HttpApp } from '@orderflow/platform';
import { asyncApiDocument } from '@orderflow/schemas';
import type { FastifyBaseLogger, FastifyRequest } from 'fastify';
import { createAwaitConsistency, defaultProcessorNames, type CheckpointWatcher, type ProcessorNames } from './consistency.js';
import { createLiveHub } from './live/liveHub.js';
import { withOrderCache, type OrderCacheOptions } from './orderCache.js';
import type { ReadModels } from './readModels.js';
import { catalogRoutes } from './routes/catalog.js';
import { liveRoutes } from './routes/live.js';
import { notificationRoutes } from './routes/notifications.js';
import { orderRoutes } from './routes/orders.js';

export interface QueryAppDeps {
  readonly config: Config;
  /** The read models (order history, notifications, catalog); the caller owns and closes them. */
  readonly readModels: ReadModels;
  /** The processors' checkpoints, for read-your-writes and live updates; the caller owns and closes it. */
  readonly watcher: CheckpointWatcher;
  readonly logger: FastifyBaseLogger | false;
  /** Processor names per read model (default: order-history, notifications, stock). */
  readonly processors?: ProcessorNames;
  /** Longest wait for `consistentWith` before a 409 (default 5 s). */
  readonly consistencyTimeoutMs?: number;
  /** The in-process order cache (exactly as fresh as the order-history checkpoint; see orderCache.ts). */
  readonly orderCache?: OrderCacheOptions;
  /** Heartbeat period of the live streams (default 15 s). */
  readonly heartbeatMs?: number;
}

/** The query API (DESIGN.md §3, :3001): reads of the read models, live updates, read-your-writes. */
export async function buildQueryApp(deps: QueryAppDeps): Promise<HttpApp> {
  const { config } = deps;
  const app = await createHttpApp({
    title: 'orderflow query API',
    version: '0.1.0',
    auth: config.auth,
    logger: deps.logger,
    bodyLimitBytes: config.BODY_LIMIT_BYTES,
    corsOrigins: config.CORS_ORIGINS,
    rateLimitPerMinute: config.RATE_LIMIT_PER_MINUTE,
  });
  const processors = deps.processors ?? defaultProcessorNames;
  // The live hub re-reads right after a checkpoint, from the store itself; the routes read through the cache.
  const live = createLiveHub({ watcher: deps.watcher, readModels: deps.readModels, processor: processors.orders, log: app.log });
  const readModels = withOrderCache(deps.readModels, deps.watcher, processors.orders, deps.orderCache);
  const routeDeps = {
    app,
    authenticate: (request: FastifyRequest) => app.authenticate(request),
    readModels,
    processors,
    live,
    awaitConsistency: createAwaitConsistency(deps.watcher, deps.consistencyTimeoutMs ?? 5_000),
  };
  orderRoutes(routeDeps);
  liveRoutes(routeDeps, { heartbeatMs: deps.heartbeatMs ?? 15_000 });
  catalogRoutes(routeDeps);
  notificationRoutes(routeDeps);
  // The analysts' event catalog (AsyncAPI 3, from the zod event schemas), beside the OpenAPI document.
  const eventCatalog = JSON.stringify(asyncApiDocument());
  app.get('/docs/events', { schema: { hide: true } }, (_request, reply) =>
    reply.type('application/json; charset=utf-8').send(eventCatalog),
  );
  // Open event streams would otherwise hold the server's close forever.
  app.addHook('preClose', (done) => {
    live.close();
    readModels.close();
    done();
  });
  return app;
}
