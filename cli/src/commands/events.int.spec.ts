import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { createEventStore, type EventStore } from '@orderflow/platform';
import { describeWith } from '@orderflow/platform/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, '../../..');

function newEvent(type: string, n: number) {
  return {
    type,
    data: { n, text: 'with, a "comma"' },
    metadata: { eventId: crypto.randomUUID(), schemaVersion: 1, occurredAt: new Date().toISOString() },
  };
}

describeWith('postgres', 'orderflow events', (use) => {
  let store: EventStore;
  const cli = (...args: string[]) =>
    run('pnpm', ['-s', 'orderflow', 'events', ...args], { cwd: root, env: { ...process.env, DATABASE_URL: use().url } });
  beforeAll(async () => {
    store = await createEventStore({ databaseUrl: use().url });
    for (let i = 0; i < 30; i++)
      await store.appendToStream(`${i % 2 === 0 ? 'order' : 'checkout'}-c${i % 5}`, [newEvent(i % 3 === 0 ? 'A' : 'B', i)]);
  });
  afterAll(async () => {
    await store.close();
  });

  it('exports the filtered log as NDJSON on stdout, its summary on stderr', async () => {
    const { stdout, stderr } = await cli('export', '--type', 'A', '--stream-prefix', 'order-');
    const expected = (await store.readAll({ filter: { eventTypes: ['A'], streamPrefixes: ['order-'] } })).map((e) => e.position);
    const lines = stdout.trimEnd().split('\n');
    expect(lines.map((l) => (JSON.parse(l) as { position: string }).position)).toEqual(expected);
    expect(stderr).toContain(`exported ${expected.length} events`);
  });

  it('exports CSV between two positions', async () => {
    const all = await store.readAll();
    const { stdout } = await cli('export', '--format', 'csv', '--from', all[4]?.position ?? '', '--to', all[9]?.position ?? '');
    const rows = stdout.trimEnd().split('\n');
    expect(rows).toHaveLength(1 + 5);
    expect(rows.slice(1).map((r) => r.split(',')[0])).toEqual(all.slice(5, 10).map((e) => e.position));
  });

  it('refuses a malformed position and an unknown format with a message, not a stack trace', async () => {
    for (const args of [
      ['export', '--from', 'yesterday'],
      ['export', '--format', 'xml'],
      ['replay', '--to-kafka', '--topic-suffix', 'bad suffix!'],
    ]) {
      const failure = (await cli(...args).catch((e: unknown) => e)) as { code?: number; stderr?: string };
      expect(failure.code, args.join(' ')).not.toBe(0);
      expect(failure.stderr, args.join(' ')).toMatch(/^error: /m);
      expect(failure.stderr, args.join(' ')).not.toMatch(/\n\s+at /);
    }
  });
});
