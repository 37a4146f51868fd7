import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { describeWith } from '@orderflow/platform/testing';
import { expect, it } from 'vitest';

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, '../../..');

describeWith('postgres', 'orderflow checkouts on a database the saga never ran against', (use) => {
  const cli = (...args: string[]) =>
    run('node', ['--conditions=@orderflow/source', '--import', 'tsx', 'cli/src/main.ts', 'checkouts', ...args], {
      cwd: root,
      env: { ...process.env, DATABASE_URL: use().url },
    });

  it('lists nothing with a clean message, not a stack trace', async () => {
    const { stdout, stderr } = await cli('list', '--stuck');
    expect(stdout).toBe('no checkouts: the checkout saga has not run against this database yet (no checkout tables)\n');
    expect(stderr).not.toMatch(/\n\s+at /);
  });

  it('refuses a retry with one error line and exit code 1', async () => {
    const failed = await cli('retry', 'order-1').then(
      () => undefined,
      (err: unknown) => err as { code: number; stderr: string },
    );
    expect(failed?.code).toBe(1);
    expect(failed?.stderr.trim()).toBe('error: the checkout saga has not run against this database yet (no checkout tables)');
  });
});
