import { mkdtemp, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { isolatedName } from './isolate.js';
import { requiredInfra, resolveInfra } from './resolveInfra.js';

/** A loopback port that nothing listens on (bound, then released). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

async function envFile(lines: string[]): Promise<string> {
  const file = path.join(await mkdtemp(path.join(tmpdir(), 'infra-env-')), 'infra.env');
  await writeFile(file, `# comment\n${lines.join('\n')}\n`);
  return file;
}

describe('requiredInfra', () => {
  it('reads a comma list, ignoring case and blanks', () => {
    expect([...requiredInfra({ REQUIRE_INFRA: 'postgres, Kafka,,mongo' })]).toEqual(['postgres', 'kafka', 'mongo']);
    expect(requiredInfra({}).size).toBe(0);
  });

  it('rejects a name it does not know, so a typo cannot silently turn a failure into a skip', () => {
    expect(() => requiredInfra({ REQUIRE_INFRA: 'postgres,kafak' })).toThrow(/kafak/);
  });
});

describe('resolveInfra', () => {
  it('prefers an explicit URL and names the variable when it is unreachable', async () => {
    const port = await closedPort();
    const file = await envFile([`DATABASE_URL=postgres://postgres:postgres@127.0.0.1:1/postgres`]);
    const result = await resolveInfra('postgres', { env: { DATABASE_URL: `postgres://u:p@127.0.0.1:${port}/db` }, envFile: file });
    expect(result).toMatchObject({ ok: false, kind: 'postgres' });
    expect(result.ok ? '' : result.reason).toContain(`DATABASE_URL=postgres://u:p@127.0.0.1:${port}/db`);
  });

  it('falls back to the infra env file and names it when its server is down', async () => {
    const port = await closedPort();
    const file = await envFile([`KAFKA_BROKERS=127.0.0.1:${port}`]);
    const result = await resolveInfra('kafka', { env: {}, envFile: file, probeTimeoutMs: 1_000 });
    expect(result.ok).toBe(false);
    expect(result.ok ? '' : result.reason).toMatch(new RegExp(`^Kafka at 127.0.0.1:${port} \\(from .*infra.env\\) is not reachable`));
  });

  it('says what is missing when nothing is configured', async () => {
    const file = path.join(await mkdtemp(path.join(tmpdir(), 'infra-env-')), 'absent.env');
    const result = await resolveInfra('mongo', { env: {}, envFile: file });
    expect(result.ok ? '' : result.reason).toMatch(/no MONGO_URL set.*absent\.env does not exist.*pnpm infra:up/);
  });

  it('treats only esdb:// as EventStoreDB, since EVENTSTORE_URL may name the PostgreSQL store', async () => {
    const file = await envFile([]);
    const result = await resolveInfra('eventstoredb', { env: { EVENTSTORE_URL: 'postgres://x@127.0.0.1/db' }, envFile: file });
    expect(result.ok ? '' : result.reason).toMatch(/no EVENTSTORE_URL set/);
  });
});

describe('isolatedName', () => {
  it('is unique per call, recognisable, and a valid identifier', () => {
    const a = isolatedName('Order history: projection (Mongo)');
    const b = isolatedName('Order history: projection (Mongo)');
    expect(a).not.toBe(b);
    expect(a).toMatch(/^t_order_history_projection_mongo_[0-9a-f]{8}$/);
    expect(isolatedName('Kafka smoke', '-')).toMatch(/^t-kafka-smoke-[0-9a-f]{8}$/);
  });
});
