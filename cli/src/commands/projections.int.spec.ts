import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { createEventStore, createPostgresDocumentStore, startProcessor, type DocumentStore, type EventStore } from '@orderflow/platform';
import { describeWith } from '@orderflow/platform/testing';
import { createProjectors, generateHistory, orderHistoryModel } from '@orderflow/projection-service';
import type { OrderHistoryDocument } from '@orderflow/schemas';
import { afterAll, beforeAll, expect, it } from 'vitest';

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, '../../..');

describeWith('postgres', 'orderflow projections', (use) => {
  let store: EventStore;
  let pool: pg.Pool;
  let documents: DocumentStore;
  // Each call starts pnpm and compiles the CLI with tsx: a few seconds alone on the machine, far longer on a loaded one.
  // A test makes up to four of them, hence its 180 s.
  const cli = (...args: string[]) => {
    const env: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: use().url };
    // The document models of this database live in its JSONB tables (the embedded topology).
    delete env.MONGO_URL;
    delete env.EVENTSTORE_URL;
    return run('pnpm', ['-s', 'orderflow', 'projections', ...args], { cwd: root, env, timeout: 120_000 });
  };
  const failure = async (...args: string[]) => (await cli(...args).catch((e: unknown) => e)) as { code?: number; stderr?: string };
  const stockRows = async () => (await pool.query<Record<string, unknown>>('select * from read_stock.catalog order by sku')).rows;
  const orders = () =>
    documents
      .collection<OrderHistoryDocument>(orderHistoryModel.name, orderHistoryModel)
      .find({ sort: { field: 'placedAt', direction: 'asc' }, limit: 1000 });

  beforeAll(async () => {
    store = await createEventStore({ databaseUrl: use().url });
    pool = new pg.Pool({ connectionString: use().url, max: 4 });
    documents = createPostgresDocumentStore({ connectionString: use().url });
    let appended = await generateHistory(store, { orders: 40, skus: 5, seed: 7 });
    // A poison event: the stock projector cannot read it, retries it, parks it and moves on.
    await store.appendToStream('inventory-BROKEN', [
      {
        type: 'StockReceived',
        data: { nonsense: true },
        metadata: { eventId: crypto.randomUUID(), schemaVersion: 1, occurredAt: new Date().toISOString() },
      },
    ]);
    appended += 1 + (await generateHistory(store, { orders: 10, skus: 5, seed: 8 }));
    // The log shows a commit once no older transaction on the shared server is still open (gap safety): wait for all.
    let all = await store.readAll();
    for (const until = Date.now() + 60_000; all.length < appended && Date.now() < until; all = await store.readAll())
      await new Promise((resolve) => setTimeout(resolve, 200));
    const head = all.at(-1)?.position;
    if (head === undefined || all.length !== appended) throw new Error(`${all.length} of ${appended} events visible`);
    const projectors = createProjectors({ pool, documents });
    for (const p of projectors) await p.ensure();
    const running = projectors.map((definition) =>
      startProcessor(definition, { store, pool, options: { retry: { attempts: 2, initialDelayMs: 10, maxDelayMs: 10 } } }),
    );
    try {
      await Promise.all(running.map((r) => r.whenCaughtUp(head, { timeoutMs: 60_000 })));
    } finally {
      await Promise.all(running.map((r) => r.stop()));
    }
  }, 180_000); // a loaded machine may take the two waits above in full
  afterAll(async () => {
    await documents.close();
    await pool.end();
    await store.close();
  });

  it('lists every projector with its checkpoint, no lag, no owner, and the parked event counted', async () => {
    const { stdout } = await cli('list');
    const lines = stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^processor\s+checkpoint\s+behind\s+seconds\s+dead\s+owner$/);
    const byName = new Map(lines.slice(1).map((l) => [l.split(/\s+/)[0], l.split(/\s+/)]));
    expect([...byName.keys()].sort()).toEqual(['notifications', 'order-history', 'stock']);
    for (const [, cols] of byName) {
      expect(cols[2]).toBe('0');
      expect(cols[5]).toBe('-');
    }
    expect(byName.get('stock')?.[4]).toBe('1');
    expect(byName.get('order-history')?.[4]).toBe('0');
    for (const [, cols] of byName) expect(cols[1]).toMatch(/^[0-9a-f]{16}\/[0-9a-f]{16}$/);
  }, 180_000);

  it('shows the status of one processor: checkpoint, lag in events and seconds, owner', async () => {
    const { rows } = await pool.query<{ checkpoint: string }>("select checkpoint from processing.processors where name = 'stock'");
    const { stdout } = await cli('status', 'stock');
    expect(stdout).toContain(`checkpoint     ${rows[0]?.checkpoint}`);
    expect(stdout).toMatch(/lag\s+0 events, 0\.0 s behind/);
    expect(stdout).toMatch(/owner\s+none \(not running\)/);
    expect(stdout).toMatch(/dead letters\s+1/);
  }, 180_000);

  it('lists the parked event with its processor, type, stream and error', async () => {
    const { stdout } = await cli('dead-letters', 'list', '--processor', 'stock');
    const lines = stdout.trimEnd().split('\n');
    expect(lines.at(-1)).toBe('1 dead letter(s)');
    expect(lines[1]).toMatch(/^\d+\s+stock\s+\S+\s+StockReceived\s+inventory-BROKEN\s+\d+\s+\S+\s+\S/);
    const { stdout: none } = await cli('dead-letters', '--processor', 'order-history');
    expect(none.trimEnd().split('\n').at(-1)).toBe('0 dead letter(s)');
  }, 180_000);

  it('a blue-green rebuild reports progress on stderr and leaves the models equal to the live-built ones', async () => {
    const [stockBefore, ordersBefore] = [await stockRows(), await orders()];
    expect(stockBefore).toHaveLength(5);
    expect(ordersBefore).toHaveLength(50);
    const stock = await cli('rebuild', 'stock', '--blue-green');
    expect(stock.stdout).toMatch(/^rebuilt stock \(blue-green\): \d+ events in [\d.]+ s \(\d+ events\/s\), checkpoint \S+\n$/);
    expect(stock.stderr).toMatch(/\d+\/\d+ events \| \d+ events\/s \| ETA/);
    const history = await cli('rebuild', 'order-history', '--blue-green');
    expect(history.stdout).toMatch(/^rebuilt order-history \(blue-green\)/);
    expect(await stockRows()).toEqual(stockBefore);
    expect(await orders()).toEqual(ordersBefore);
    // The poison event was parked again by the rebuild, not lost and not duplicated into the model.
    const { rows } = await pool.query<{ n: string }>("select count(*) as n from processing.dead_letters where processor = 'stock'");
    expect(Number(rows[0]?.n)).toBeGreaterThanOrEqual(1);
  }, 180_000);

  it('a strict rebuild stops at the poison event with a one-line error and a non-zero exit', async () => {
    const failed = await failure('rebuild', 'stock', '--strict');
    expect(failed.code).toBe(1);
    expect(failed.stderr).toMatch(/^error: .*/m);
    expect(failed.stderr).not.toMatch(/\n\s+at /);
  }, 180_000);

  it('reset sets the checkpoint back to the start, so the whole log is behind', async () => {
    const { stdout } = await cli('reset', 'notifications');
    expect(stdout).toBe('reset notifications: it replays from the start of the log\n');
    const status = await cli('status', 'notifications');
    expect(status.stdout).toContain('checkpoint     none (from the start)');
    expect(status.stdout).toMatch(/lag\s+[1-9]\d* events/);
  }, 180_000);

  it('retries and drops dead letters by id', async () => {
    const { rows } = await pool.query<{ id: string }>("select id::text from processing.dead_letters where processor = 'stock' order by id");
    const ids = rows.map((r) => r.id);
    const retried = await cli('dead-letters', 'retry', '--id', ...ids);
    expect(retried.stdout).toContain(`stock: retried 0, still failing ${ids.length}`);
    const dropped = await cli('dead-letters', 'drop', '--id', ...ids);
    expect(dropped.stdout).toBe(`dropped ${ids.length} dead letter(s)\n`);
    const { stdout } = await cli('dead-letters');
    expect(stdout.trimEnd().split('\n').at(-1)).toBe('0 dead letter(s)');
  }, 180_000);

  it('an unknown processor is one clean error line naming the known ones', async () => {
    for (const args of [
      ['status', 'stok'],
      ['rebuild', 'stok'],
      ['reset', 'stok'],
      ['dead-letters', '--processor', 'stok'],
    ]) {
      const failed = await failure(...args);
      expect(failed.code, args.join(' ')).toBe(1);
      expect(failed.stderr, args.join(' ')).toMatch(
        /^error: (unknown processor|no projector named) "stok"; (known|rebuildable): .*notifications, order-history, stock/m,
      );
      expect(failed.stderr, args.join(' ')).not.toMatch(/\n\s+at /);
    }
  }, 180_000);
});
