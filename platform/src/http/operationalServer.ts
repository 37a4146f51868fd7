import type { FastifyBaseLogger } from 'fastify';
import type { AuthConfig } from './auth.js';
import { createHttpApp, type HttpApp } from './createHttpApp.js';
import type { ReadinessCheck } from './health.js';

export interface OperationalServerOptions {
  /** Names the process in the (empty) OpenAPI document. */
  readonly title: string;
  readonly host: string;
  readonly port: number;
  readonly auth: AuthConfig;
  readonly logger: FastifyBaseLogger | false;
  readonly readiness?: readonly ReadinessCheck[];
}

/**
 * `/healthz`, `/readyz` and `/metrics` for a process that serves no API of its own (the projection service alone,
 * `PROJECTION_PORT`), listening; `close()` it on shutdown.
 */
export async function startOperationalServer(options: OperationalServerOptions): Promise<HttpApp> {
  const app = await createHttpApp({
    title: options.title,
    version: '0.1.0',
    auth: options.auth,
    logger: options.logger,
    ...(options.readiness === undefined ? {} : { readiness: options.readiness }),
  });
  await app.listen({ host: options.host, port: options.port });
  return app;
}
