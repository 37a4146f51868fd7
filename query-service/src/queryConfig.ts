import { parseEnv } from '@orderflow/platform';
import { z } from 'zod';
import type { QueryAppDeps } from './app.js';

/** The query API's own settings in the environment (beside what `loadConfig` reads). */
export const queryEnvSchema = z.object({
  /** Longest wait for `consistentWith` before a 409. */
  QUERY_CONSISTENCY_TIMEOUT_MS: z.coerce.number().int().positive().max(60_000).default(5_000),
  /** Heartbeat period of the live streams. */
  QUERY_HEARTBEAT_MS: z.coerce.number().int().positive().default(15_000),
  /** 0 turns the in-process order cache off. */
  QUERY_ORDER_CACHE_TTL_MS: z.coerce.number().int().min(0).max(60_000).default(2_000),
});

/**
 * Parses the query API's environment (fail fast, every bad variable named) into `buildQueryApp` options; used by its
 * own process and by the embedded engine alike.
 */
export function queryOptionsFromEnv(
  env: NodeJS.ProcessEnv = process.env,
): Required<Pick<QueryAppDeps, 'consistencyTimeoutMs' | 'heartbeatMs' | 'orderCache'>> {
  const e = parseEnv(queryEnvSchema, env, 'query API configuration');
  return {
    consistencyTimeoutMs: e.QUERY_CONSISTENCY_TIMEOUT_MS,
    heartbeatMs: e.QUERY_HEARTBEAT_MS,
    orderCache: { ttlMs: e.QUERY_ORDER_CACHE_TTL_MS },
  };
}
