import { describe, expect, it } from 'vitest';
import { sandboxOptionsFromEnv } from './sandboxConfig.js';

describe('sandboxOptionsFromEnv', () => {
  it('answers at once and never fails by default', () => {
    expect(sandboxOptionsFromEnv({})).toEqual({ latencyMs: 0, latencyJitterMs: 0, failureRate: 0, hangMs: 30_000, down: false });
  });

  it('reads latency, failure rate, seed and the outage switch', () => {
    expect(
      sandboxOptionsFromEnv({ GATEWAY_LATENCY_MS: '50', GATEWAY_FAILURE_RATE: '0.1', GATEWAY_SEED: '7', GATEWAY_DOWN: 'true' }),
    ).toMatchObject({ latencyMs: 50, failureRate: 0.1, seed: 7, down: true });
  });

  it('names every bad variable', () => {
    expect(() => sandboxOptionsFromEnv({ GATEWAY_FAILURE_RATE: '2', GATEWAY_LATENCY_MS: '-1' })).toThrow(
      /invalid sandbox gateway configuration:[\s\S]*GATEWAY_LATENCY_MS[\s\S]*GATEWAY_FAILURE_RATE/,
    );
  });
});
