import { describe, expect, it } from 'vitest';
import { queryOptionsFromEnv } from './queryConfig.js';

describe('queryOptionsFromEnv', () => {
  it('defaults to a 5 s consistency wait, 15 s heartbeats and a 2 s order cache', () => {
    expect(queryOptionsFromEnv({})).toEqual({ consistencyTimeoutMs: 5_000, heartbeatMs: 15_000, orderCache: { ttlMs: 2_000 } });
  });

  it('reads the overrides, 0 turning the order cache off', () => {
    expect(
      queryOptionsFromEnv({ QUERY_CONSISTENCY_TIMEOUT_MS: '30000', QUERY_HEARTBEAT_MS: '1000', QUERY_ORDER_CACHE_TTL_MS: '0' }),
    ).toEqual({ consistencyTimeoutMs: 30_000, heartbeatMs: 1_000, orderCache: { ttlMs: 0 } });
  });

  it('names every bad variable', () => {
    expect(() => queryOptionsFromEnv({ QUERY_CONSISTENCY_TIMEOUT_MS: '0', QUERY_ORDER_CACHE_TTL_MS: 'soon' })).toThrow(
      /invalid query API configuration:[\s\S]*QUERY_CONSISTENCY_TIMEOUT_MS[\s\S]*QUERY_ORDER_CACHE_TTL_MS/,
    );
  });
});
