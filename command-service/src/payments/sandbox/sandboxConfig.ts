import { parseEnv } from '@orderflow/platform';
import { z } from 'zod';
import type { SandboxOptions } from './sandboxApp.js';

/** The sandbox gateway's own knobs in the environment (GATEWAY_PORT and HOST come from the shared configuration). */
export const sandboxEnvSchema = z.object({
  GATEWAY_LATENCY_MS: z.coerce.number().int().min(0).max(60_000).default(0),
  GATEWAY_LATENCY_JITTER_MS: z.coerce.number().int().min(0).max(60_000).default(0),
  GATEWAY_FAILURE_RATE: z.coerce.number().min(0).max(1).default(0),
  GATEWAY_SEED: z.coerce.number().int().optional(),
  GATEWAY_HANG_MS: z.coerce.number().int().min(0).max(600_000).default(30_000),
  GATEWAY_DOWN: z.stringbool().default(false),
});

/**
 * Parses the sandbox's environment (fail fast, every bad variable named) into its options; used by its own process
 * and by the embedded engine alike.
 */
export function sandboxOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): Omit<SandboxOptions, 'logger'> {
  const e = parseEnv(sandboxEnvSchema, env, 'sandbox gateway configuration');
  return {
    latencyMs: e.GATEWAY_LATENCY_MS,
    latencyJitterMs: e.GATEWAY_LATENCY_JITTER_MS,
    failureRate: e.GATEWAY_FAILURE_RATE,
    hangMs: e.GATEWAY_HANG_MS,
    down: e.GATEWAY_DOWN,
    ...(e.GATEWAY_SEED === undefined ? {} : { seed: e.GATEWAY_SEED }),
  };
}
