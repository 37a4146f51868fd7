import { execFile } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const execFileAsync = promisify(execFile);
const file = path.join(import.meta.dirname, 'docker-compose.yml');

interface Service {
  image?: string;
  healthcheck?: { test?: unknown };
  depends_on?: Record<string, { condition?: string }>;
}

/** Validates with a real Compose implementation that needs no engine: Debian's docker-compose (.ci/run installs it). */
async function composeConfig(composeFile: string): Promise<{ ok: boolean; stderr: string }> {
  try {
    await execFileAsync('docker-compose', ['-f', composeFile, 'config', '-q']);
    return { ok: true, stderr: '' };
  } catch (err) {
    const e = err as NodeJS.ErrnoException & { stderr?: string };
    if (e.code === 'ENOENT') throw new Error('docker-compose is not installed: `apt-get install -y docker-compose` (.ci/run does)');
    return { ok: false, stderr: e.stderr ?? String(err) };
  }
}

describe('compose/docker-compose.yml', () => {
  it('is valid for docker-compose, which rejects a broken file', async () => {
    expect(await composeConfig(file)).toEqual({ ok: true, stderr: '' });
    const dir = await mkdtemp(path.join(tmpdir(), 'compose-'));
    const broken = path.join(dir, 'broken.yml');
    await writeFile(broken, (await readFile(file, 'utf8')).replace('healthcheck:', 'healthchek:'));
    const result = await composeConfig(broken);
    expect(result.ok).toBe(false);
    expect(result.stderr).toMatch(/healthchek/);
  }, 60_000); // two runs of docker-compose, a Python program slow to start on a loaded machine

  it('runs EventStoreDB, Kafka, PostgreSQL and MongoDB, pinned and health-checked, gated by health', async () => {
    const { services } = parse(await readFile(file, 'utf8')) as { services: Record<string, Service> };
    const stores = ['eventstoredb', 'kafka', 'postgres', 'mongodb'];
    for (const name of stores) {
      const service = services[name];
      expect(service, name).toBeDefined();
      expect(service?.image, name).toMatch(/:[\w.-]+$/);
      expect(service?.image, name).not.toMatch(/:latest$/);
      expect(service?.healthcheck?.test, name).toBeDefined();
    }
    const gate = services['infra-ready']?.depends_on ?? {};
    expect(Object.keys(gate).sort()).toEqual([...stores].sort());
    for (const name of stores) expect(gate[name]?.condition, name).toBe('service_healthy');
  });
});
