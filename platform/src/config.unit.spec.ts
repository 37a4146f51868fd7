import { describe, expect, it } from 'vitest';
import { developmentJwtSecret, loadConfig } from './config.js';

describe('loadConfig', () => {
  it('gives the fixed points and the development secret with nothing set', () => {
    const config = loadConfig({});
    expect([config.COMMAND_PORT, config.QUERY_PORT, config.GATEWAY_PORT, config.HOST]).toEqual([3000, 3001, 3002, '127.0.0.1']);
    expect(config.auth).toEqual({ secret: developmentJwtSecret, issuer: 'orderflow', audience: 'orderflow-api' });
    expect(config.usesDevelopmentSecret).toBe(true);
    expect(config.KAFKA_BROKERS).toEqual([]);
  });

  it('parses lists and numbers, and names every bad variable at once', () => {
    expect(loadConfig({ KAFKA_BROKERS: 'a:1, b:2', COMMAND_PORT: '4000' })).toMatchObject({
      KAFKA_BROKERS: ['a:1', 'b:2'],
      COMMAND_PORT: 4000,
    });
    const error = (() => {
      try {
        loadConfig({ COMMAND_PORT: 'x', EVENTSTORE_URL: 'http://nope', JWT_SECRET: 'short' });
      } catch (e) {
        return String(e);
      }
      return '';
    })();
    for (const name of ['COMMAND_PORT', 'EVENTSTORE_URL', 'JWT_SECRET']) expect(error).toContain(name);
  });

  it('refuses to run in production without a real key', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/JWT_SECRET or JWKS_URL is required/);
    expect(loadConfig({ NODE_ENV: 'production', JWKS_URL: 'https://id.example/jwks.json' }).auth).toEqual({
      jwksUrl: 'https://id.example/jwks.json',
      issuer: 'orderflow',
      audience: 'orderflow-api',
    });
  });
});
