import { trace } from '@opentelemetry/api';
import { createHttpApp, migrate, withLogContext, type Config, type EventStore, type HttpApp } from '@orderflow/platform';
import type { FastifyBaseLogger } from 'fastify';
import pg from 'pg';
import { domainErrorMapper } from './errors.js';
import { createIdempotencyStore, idempotencyMigrations } from './idempotency/idempotencyStore.js';
import { inventoryRoutes } from './routes/inventory.js';
import { orderRoutes } from './routes/orders.js';

export interface CommandAppDeps {
  readonly config: Config;
  readonly store: EventStore;
  /** PostgreSQL for the service's own tables (idempotency keys). */
  readonly databaseUrl: string;
  readonly logger: FastifyBaseLogger | false;
}

/** The command API (DESIGN.md §3, :3000): writes only, every route declared with zod schemas. */
export async function buildCommandApp(deps: CommandAppDeps): Promise<HttpApp> {
  const { config } = deps;
  const pool = new pg.Pool({ connectionString: deps.databaseUrl, max: 20 });
  pool.on('error', () => undefined);
  await migrate(pool, 'command-service', idempotencyMigrations);
  const app = await createHttpApp({
    title: 'orderflow command API',
    version: '0.1.0',
    auth: config.auth,
    logger: deps.logger,
    bodyLimitBytes: config.BODY_LIMIT_BYTES,
    corsOrigins: config.CORS_ORIGINS,
    rateLimitPerMinute: config.RATE_LIMIT_PER_MINUTE,
    errorMappers: [domainErrorMapper],
    // Migrations ran above (boot fails otherwise); these say whether the stores answer now.
    readiness: [
      { name: 'postgres', check: () => pool.query('select 1') },
      { name: 'eventstore', check: () => deps.store.headPosition() },
    ],
  });
  // An order route's order id on every log line written for the request, and on its span.
  app.addHook('preHandler', (request, _reply, done) => {
    const { id } = (request.params ?? {}) as { id?: unknown };
    if (typeof id !== 'string' || request.routeOptions.url?.startsWith('/v1/orders/') !== true) {
      done();
      return;
    }
    request.log = request.log.child({ orderId: id });
    trace.getActiveSpan()?.setAttribute('orderflow.order_id', id);
    withLogContext({ orderId: id }, done);
  });
  const idempotency = createIdempotencyStore(pool);
  const routeDeps = { app, store: deps.store, idempotency };
  inventoryRoutes(routeDeps);
  orderRoutes(routeDeps);
  const purge = setInterval(() => {
    idempotency.purge().catch((err: unknown) => {
      app.log.warn({ err }, 'idempotency purge failed');
    });
  }, 3_600_000);
  purge.unref();
  app.addHook('onClose', async () => {
    clearInterval(purge);
    await pool.end();
  });
  return app;
}
