import { randomBytes } from 'node:crypto';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import pg from 'pg';
import {
  createEventStore,
  createMongoDocumentStore,
  createPostgresDocumentStore,
  readInfraEnv,
  rebuildProcessor,
  createLogger,
  type DocumentStore,
} from '@orderflow/platform';
import {
  createNotificationsProjector,
  createOrderHistoryProjector,
  createStockProjector,
  generateHistory,
  type Projector,
} from '@orderflow/projection-service';
import { createScratchDatabase, settleDatabase } from './database.js';
import { measureDocumentCeiling, type DocumentCeiling } from './projectionsCeiling.js';
import { measureLiveLag, type LiveLagResult } from './projectionsLive.js';
import { round } from './stats.js';

export const description =
  'rebuild throughput of each projection (stock in PostgreSQL; order history and notifications in MongoDB and JSONB)';

interface Row {
  readonly projection: string;
  readonly target: string;
  readonly events: number;
  readonly seconds: number;
  readonly eventsPerSecond: number;
}

/**
 * `pnpm bench projections [--events N] [--skip-mongo] [--in-place] [--only stock,order history,notifications]`: writes a generated history of about N events (default 300,000: generating 1M takes ~5 min on the shared 2-core machine) into
 * a scratch PostgreSQL event store, then rebuilds each projection from the start (blue-green, as `--blue-green` does; `--in-place` clears the live model instead), timing
 * `rebuildProcessor` as the CLI runs it: reading the filtered log, parsing, folding, writing and checkpointing. Progress on stderr; table, then JSON on stdout.
 */
export async function run(args: readonly string[]): Promise<void> {
  const { values } = parseArgs({
    args: [...args],
    options: {
      events: { type: 'string', default: '300000' },
      'skip-mongo': { type: 'boolean', default: false },
      'in-place': { type: 'boolean', default: false },
      only: { type: 'string', default: 'stock,order history,notifications' },
      live: { type: 'string', default: 'PostgreSQL JSONB' },
      'live-rate': { type: 'string', default: '200' },
      'live-duration': { type: 'string', default: '20' },
    },
  });
  const only = new Set(values.only.split(',').map((p) => p.trim()));
  const blueGreen = !values['in-place'];
  const target = Number(values.events);
  if (!Number.isSafeInteger(target) || target < 1000) throw new Error(`--events must be an integer ≥ 1000, got ${values.events}`);
  const infra = readInfraEnv();
  const adminUrl = process.env.DATABASE_URL ?? infra.DATABASE_URL;
  if (adminUrl === undefined || adminUrl === '') throw new Error('no PostgreSQL: run `pnpm infra:up` (or set DATABASE_URL)');
  const mongoUrl = values['skip-mongo'] ? undefined : (process.env.MONGO_URL ?? infra.MONGO_URL);
  const log = (line: string) => process.stderr.write(`${line}\n`);

  const database = await createScratchDatabase(adminUrl, `bench_projections_${randomBytes(4).toString('hex')}`);
  const mongoDb = `bench_projections_${randomBytes(4).toString('hex')}`;
  const store = await createEventStore({ databaseUrl: database.url });
  const pool = new pg.Pool({ connectionString: database.url, max: 4 });
  const rows: Row[] = [];
  let ceiling: DocumentCeiling | undefined;
  try {
    const began = performance.now();
    // About 11.5 events per order in the generated mix.
    let lastReport = 0;
    const written = await generateHistory(store, {
      orders: Math.ceil(target / 11.5),
      writers: 8,
      onProgress: (n) => {
        if (n - lastReport >= 100_000) log(`  generated ${(lastReport = n).toLocaleString('en')} events`);
      },
    });
    const generateSeconds = (performance.now() - began) / 1000;
    log(`generated ${written.toLocaleString('en')} events in ${round(generateSeconds)} s (${round(written / generateSeconds)} events/s)`);
    await settleDatabase(database.url);

    const measure = async (projection: string, targetName: string, projector: Projector) => {
      if (!only.has(projection)) return;
      await projector.ensure();
      // The operators' rebuild path (`orderflow projections rebuild [--blue-green]`): lease, prepare, 5,000-event
      // batches, checkpoints (in place) or a shadow swapped in at the end (blue-green).
      const result = await rebuildProcessor(projector, { store, pool, blueGreen, logger: createLogger('bench', 'warn') });
      const events = result.processed;
      const row = {
        projection,
        target: targetName,
        events,
        seconds: round(result.seconds),
        eventsPerSecond: round(result.eventsPerSecond),
      };
      log(`  ${projection} → ${targetName}: ${events.toLocaleString('en')} events in ${row.seconds} s = ${row.eventsPerSecond} events/s`);
      rows.push(row);
    };
    await measure('stock', 'PostgreSQL', createStockProjector({ pool }));
    const documentStores: [string, () => Promise<DocumentStore>][] = [
      ['PostgreSQL JSONB', () => Promise.resolve(createPostgresDocumentStore({ connectionString: database.url }))],
    ];
    if (mongoUrl !== undefined && mongoUrl !== '')
      documentStores.unshift(['MongoDB (FerretDB)', () => createMongoDocumentStore({ url: mongoUrl, dbName: mongoDb })]);
    for (const [name, factory] of documentStores) {
      const documents = await factory();
      try {
        await measure('order history', name, createOrderHistoryProjector({ documents }));
        const rebuilt = rows.find((r) => r.projection === 'order history' && r.target === name);
        if (name.startsWith('MongoDB') && mongoUrl !== undefined && rebuilt !== undefined) {
          ceiling = await measureDocumentCeiling(mongoUrl, mongoDb, 'order_history', rebuilt.events);
          log(
            `  order history ceiling on ${name}: ${ceiling.documents.toLocaleString('en')} final documents inserted once in ${ceiling.seconds} s ` +
              `(${ceiling.documentsPerSecond} documents/s) = ${ceiling.eventsPerSecond} events/s`,
          );
        }
        await measure('notifications', name, createNotificationsProjector({ documents }));
      } finally {
        await documents.close();
      }
    }

    // Live lag, after every rebuild (its appends would change what they replay).
    const live: LiveLagResult[] = [];
    const liveStores = new Set(values.live.split(',').map((p) => p.trim()));
    for (const [name, factory] of documentStores.filter(([name]) => liveStores.has(name))) {
      const documents = await factory();
      // Each live processor holds a connection for its lease: a pool of their own, so checkpoints never queue for one.
      const livePool = new pg.Pool({ connectionString: database.url, max: 12 });
      try {
        const watched = [
          { projection: 'stock', store: 'PostgreSQL', definition: createStockProjector({ pool: livePool }), streams: ['inventory-'] },
          {
            projection: 'order history',
            store: name,
            definition: createOrderHistoryProjector({ documents }),
            streams: ['order-', 'payment-'],
          },
          { projection: 'notifications', store: name, definition: createNotificationsProjector({ documents }), streams: ['order-'] },
        ].filter((w) => only.has(w.projection));
        log(`live lag with ${name} documents: ${values['live-rate']} checkouts/s for ${values['live-duration']} s`);
        live.push(
          await measureLiveLag({
            store,
            pool: livePool,
            watched,
            skus: Array.from({ length: 20 }, (_, i) => `SKU-${String(i + 1).padStart(4, '0')}`),
            rate: Number(values['live-rate']),
            durationS: Number(values['live-duration']),
            log,
          }),
        );
      } finally {
        await livePool.end();
        await documents.close();
      }
    }

    const table = [
      `${'projection'.padEnd(15)} ${'store'.padEnd(20)} ${'events'.padStart(10)} ${'seconds'.padStart(8)} ${'events/s'.padStart(10)}`,
      ...rows.map(
        (r) =>
          `${r.projection.padEnd(15)} ${r.target.padEnd(20)} ${String(r.events).padStart(10)} ${String(r.seconds).padStart(8)} ${String(r.eventsPerSecond).padStart(10)}`,
      ),
    ].join('\n');
    const liveTable = live.flatMap((l) => [
      `live: ${l.ordersPerSecond} checkouts/s (${l.eventsPerSecond} events/s) appended; lag from append to read-model commit:`,
      `${'projection'.padEnd(15)} ${'store'.padEnd(20)} ${'samples'.padStart(8)} ${'p50 ms'.padStart(8)} ${'p99 ms'.padStart(8)} ${'max ms'.padStart(8)}`,
      ...l.rows.map(
        (r) =>
          `${r.projection.padEnd(15)} ${r.store.padEnd(20)} ${String(r.samples).padStart(8)} ${String(r.p50Ms).padStart(8)} ${String(r.p99Ms).padStart(8)} ${String(r.maxMs).padStart(8)}`,
      ),
    ]);
    const rate = (projection: string, store: string) =>
      rows.find((r) => r.projection === projection && r.target.startsWith(store))?.eventsPerSecond ?? null;
    const targets = [
      `stock in PostgreSQL ≥ 50,000 events/s: ${rate('stock', 'PostgreSQL') ?? '–'}`,
      `order history in MongoDB ≥ 20,000 events/s: ${rate('order history', 'MongoDB') ?? 'not measured'}` +
        (ceiling === undefined
          ? ''
          : ` (ceiling ${ceiling.eventsPerSecond}: its final documents inserted once with the bare driver; ` +
            `${ceiling.eventsPerSecond >= 20_000 ? 'within reach' : 'out of reach on this server'})`),
      ...live.flatMap((l) => l.rows.map((r) => `live lag p99 < 100 ms, ${r.projection} in ${r.store}: ${r.p99Ms} ms`)),
    ];
    const json = {
      bench: 'projections',
      logEvents: written,
      mode: blueGreen ? 'blue-green' : 'in-place',
      generateSeconds: round(generateSeconds),
      rebuild: Object.fromEntries(
        rows.map((r) => [`${r.projection} @ ${r.target}`, { events: r.events, seconds: r.seconds, eventsPerSecond: r.eventsPerSecond }]),
      ),
      ...(ceiling && { orderHistoryCeiling: ceiling }),
      live,
      environment: { node: process.version, cpus: os.cpus().length },
    };
    process.stdout.write(
      `${table}\n${liveTable.length > 0 ? `\n${liveTable.join('\n')}\n` : ''}\ntargets:\n  ${targets.join('\n  ')}\n\n${JSON.stringify(json)}\n`,
    );
  } finally {
    await store.close();
    await pool.end();
    await database.drop();
    if (mongoUrl !== undefined && mongoUrl !== '') {
      const documents = await createMongoDocumentStore({ url: mongoUrl, dbName: mongoDb });
      for (const name of ['order_history', 'notifications', 'notification_orders'])
        await documents.collection(name, { idField: 'id', positionField: 'position' }).drop();
      await documents.close();
    }
  }
}
