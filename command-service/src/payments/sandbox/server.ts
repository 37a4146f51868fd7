import { closeOnSignals, createLogger, loadConfig } from '@orderflow/platform';
import { z } from 'zod';
import { startSandboxGateway } from './startSandboxGateway.js';

/** The sandbox's own knobs (GATEWAY_PORT and HOST come from the shared configuration). */
const sandboxEnv = z.object({
  GATEWAY_LATENCY_MS: z.coerce.number().int().min(0).max(60_000).default(0),
  GATEWAY_LATENCY_JITTER_MS: z.coerce.number().int().min(0).max(60_000).default(0),
  GATEWAY_FAILURE_RATE: z.coerce.number().min(0).max(1).default(0),
  GATEWAY_SEED: z.coerce.number().int().optional(),
  GATEWAY_HANG_MS: z.coerce.number().int().min(0).max(600_000).default(30_000),
  GATEWAY_DOWN: z.stringbool().default(false),
});

/** Process entry of the sandbox payment gateway alone (full topology): `pnpm --filter @orderflow/command-service start:gateway`. */
const config = loadConfig();
const parsed = sandboxEnv.safeParse(process.env);
if (!parsed.success)
  throw new Error(`invalid configuration:\n${parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`).join('\n')}`);
const env = parsed.data;
const logger = createLogger('sandbox-gateway', config.LOG_LEVEL);
const gateway = await startSandboxGateway({
  host: config.HOST,
  port: config.GATEWAY_PORT,
  latencyMs: env.GATEWAY_LATENCY_MS,
  latencyJitterMs: env.GATEWAY_LATENCY_JITTER_MS,
  failureRate: env.GATEWAY_FAILURE_RATE,
  hangMs: env.GATEWAY_HANG_MS,
  down: env.GATEWAY_DOWN,
  ...(env.GATEWAY_SEED === undefined ? {} : { seed: env.GATEWAY_SEED }),
  logger,
});
logger.info({ url: gateway.url }, 'sandbox payment gateway listening (state in memory)');

closeOnSignals(logger, () => gateway.close());
