import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { expect, it } from 'vitest';
import { eventStoreMigrations } from '../eventStore/postgres/schema.js';
import { describeWith } from '../testing/describeWith.js';

const storeModule = fileURLToPath(new URL('../eventStore/postgres/postgresEventStore.ts', import.meta.url));

/**
 * A process that opens the PostgreSQL event store (which migrates its schema first) once it reads `go` on stdin,
 * so that both processes of the test start migrating at the same moment; it prints `ready`, then `done`.
 */
const child = `
import { createInterface } from 'node:readline';
const { createPostgresEventStore } = await import(${JSON.stringify(storeModule)});
console.log('ready');
for await (const line of createInterface({ input: process.stdin })) if (line === 'go') break;
const store = await createPostgresEventStore({ connectionString: process.env.DATABASE_URL });
await store.close();
console.log('done');
`;

function startProcess(databaseUrl: string) {
  const process_ = spawn(process.execPath, ['--conditions=@orderflow/source', '--import', 'tsx', '--input-type=module', '-e', child], {
    env: { ...process.env, DATABASE_URL: databaseUrl },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  process_.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  process_.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => process_.on('exit', resolve));
  const ready = async () => {
    while (!out.includes('ready')) {
      if (process_.exitCode !== null) throw new Error(`child ended before it was ready: ${err}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };
  return { process: process_, ready, exited, output: () => ({ out, err }) };
}

describeWith('postgres', 'migrations started by two processes at once', (use) => {
  it('two processes opening the event store on an empty database at the same moment both start, each migration applied once', async () => {
    const processes = [startProcess(use().url), startProcess(use().url)];
    try {
      await Promise.all(processes.map((p) => p.ready()));
      for (const p of processes) p.process.stdin.end('go\n');
      const codes = await Promise.all(processes.map((p) => p.exited));
      expect(codes, processes.map((p) => p.output().err).join('\n')).toEqual([0, 0]);
      for (const p of processes) expect(p.output().out).toContain('done');
    } finally {
      for (const p of processes) if (p.process.exitCode === null) p.process.kill('SIGKILL');
    }
    const client = new pg.Client(use().url);
    await client.connect();
    try {
      const { rows } = await client.query<{ version: number }>(
        "select version from public.orderflow_migrations where component = 'eventstore' order by version",
      );
      expect(rows.map((r) => r.version)).toEqual(eventStoreMigrations.map((m) => m.version));
    } finally {
      await client.end();
    }
  }, 60_000);
});
