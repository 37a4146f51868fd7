import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { createTokenVerifier, loadConfig } from '@orderflow/platform';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, '../../..');

describe('orderflow token', () => {
  it('prints only a token that the services accept, with the requested role and subject', async () => {
    const { stdout } = await run('pnpm', ['-s', 'orderflow', 'token', '--role', 'admin', '--sub', 'ops-1'], { cwd: root });
    const token = stdout.trim();
    expect(stdout.split('\n').filter(Boolean)).toHaveLength(1);
    expect(await createTokenVerifier(loadConfig({}).auth)(`Bearer ${token}`)).toEqual({ sub: 'ops-1', role: 'admin' });
  });

  it('refuses an unknown role', async () => {
    const failure = await run('pnpm', ['-s', 'orderflow', 'token', '--role', 'root', '--sub', 'x'], { cwd: root }).catch((e: unknown) => e);
    expect(String((failure as { stderr?: string }).stderr)).toMatch(/Allowed choices are customer, admin/);
  });
});
