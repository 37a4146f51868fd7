/**
 * A second reference for `pnpm bench query`: the services' shared HTTP skeleton (platform's createHttpApp: security
 * headers, CORS, per-caller rate limit, metrics, tracing context, problem handler, pino) with a hello-world route,
 * configured as the query service is in the bench. The gap between it and fastify's bare hello-world is the
 * skeleton's cost; the gap between it and the query route is the query service's own.
 */
import { createHttpApp, createLogger, loadConfig } from '@orderflow/platform';

const config = loadConfig();
const app = await createHttpApp({
  title: 'skeleton',
  version: '0.0.0',
  auth: config.auth,
  logger: createLogger('bench-skeleton', config.LOG_LEVEL),
  rateLimitPerMinute: config.RATE_LIMIT_PER_MINUTE,
});
app.get('/hello', () => ({ hello: 'world' }));
await app.listen({ host: '127.0.0.1', port: Number(process.argv[2]) });
process.once('SIGTERM', () => {
  void app.close().then(() => process.exit(0));
});
