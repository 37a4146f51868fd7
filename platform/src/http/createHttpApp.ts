import { randomUUID } from 'node:crypto';
import cors from '@fastify/cors';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyRequest } from 'fastify';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { createTokenVerifier, type AuthConfig, type Principal } from './auth.js';
import { drainOnClose } from './drainOnClose.js';
import { installHealth, type ReadinessCheck } from './health.js';
import { installObservability } from './observability.js';
import { installProblemHandler, type ErrorMapper } from './problem.js';
import { securityHeaders } from './securityHeaders.js';

export interface HttpAppOptions {
  readonly title: string;
  readonly version: string;
  readonly auth: AuthConfig;
  /** A pino logger, or `false` for none (tests). */
  readonly logger: FastifyBaseLogger | false;
  readonly bodyLimitBytes?: number;
  /** Allowed CORS origins; empty means no cross-origin access. */
  readonly corsOrigins?: readonly string[];
  /** Requests per caller per minute. */
  readonly rateLimitPerMinute?: number;
  readonly errorMappers?: readonly ErrorMapper[];
  /** What `/readyz` asks (dependencies reachable, migrations applied, processors owned); more via `app.addReadinessCheck`. */
  readonly readiness?: readonly ReadinessCheck[];
}

function baseApp(options: HttpAppOptions) {
  return Fastify({
    loggerInstance: options.logger === false ? undefined : options.logger,
    logger: options.logger === false ? false : undefined,
    bodyLimit: options.bodyLimitBytes ?? 64 * 1024,
    genReqId: (req) => (typeof req.headers['x-request-id'] === 'string' ? req.headers['x-request-id'].slice(0, 100) : randomUUID()),
    // The request id is the correlation id (DESIGN.md §4), so request log lines name it as such.
    logController: new LogController({ requestIdLogLabel: 'correlationId' }),
    requestTimeout: 30_000,
  }).withTypeProvider<ZodTypeProvider>();
}

/** A fastify instance whose routes are typed by their zod schemas. */
export type HttpApp = ReturnType<typeof baseApp>;

declare module 'fastify' {
  interface FastifyInstance {
    /** Verifies the request's bearer token; throws a 401 problem when it is missing or invalid. */
    authenticate(request: FastifyRequest): Promise<Principal>;
  }
}

/**
 * The HTTP skeleton every service shares: zod validation and serialisation, OpenAPI 3.1 at /docs from the route
 * schemas, security headers, CORS from configuration, a per-caller rate limit, a body limit, bearer-token
 * authentication, one problem+json error handler, and the operational routes outside auth and rate limits:
 * `/healthz`, `/readyz` (the `readiness` checks), `/metrics` (the shared registry, HTTP RED and Node runtime
 * metrics); every request runs in a SERVER span continuing the caller's `traceparent`.
 */
export async function createHttpApp(options: HttpAppOptions): Promise<HttpApp> {
  const app = baseApp(options);
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  installProblemHandler(app, options.errorMappers);

  const verify = createTokenVerifier(options.auth);
  app.decorate('authenticate', (request: FastifyRequest) => verify(request.headers.authorization));

  // On the raw response, as helmet did: a route that hijacks its reply (a live stream) writes its head itself.
  const headers = Object.entries(securityHeaders());
  app.addHook('onRequest', (_request, reply, done) => {
    for (const [name, value] of headers) reply.raw.setHeader(name, value);
    done();
  });
  // No origins, no CORS: without the plugin a cross-origin browser gets no Access-Control-* header, as it should.
  if (options.corsOrigins !== undefined && options.corsOrigins.length > 0) await app.register(cors, { origin: [...options.corsOrigins] });
  await app.register(rateLimit, {
    max: options.rateLimitPerMinute ?? 600,
    timeWindow: '1 minute',
    // Per caller: the bearer token when there is one (verified later), else the address.
    keyGenerator: (request) => request.headers.authorization ?? request.ip,
  });
  await app.register(swagger, {
    openapi: { openapi: '3.1.0', info: { title: options.title, version: options.version } },
    transform: jsonSchemaTransform,
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  installObservability(app);
  installHealth(app, options.readiness);
  drainOnClose(app);
  return app;
}
