import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { createMongoDocumentStore, createPostgresDocumentStore, readInfraEnv, signToken, type DocumentStore } from '@orderflow/platform';
import { createScratchDatabase } from './database.js';
import { customerIdOf, orderIdOf, seedOrders } from './query/seedOrders.js';
import { round } from './stats.js';

export const description =
  'query API GET /v1/orders/:id (PostgreSQL JSONB and FerretDB documents) against fastify hello-world as the ceiling';

const documentKinds = ['postgres', 'mongo'] as const;
type DocumentKind = (typeof documentKinds)[number];
type Row = 'ceiling' | 'skeleton' | DocumentKind | `${DocumentKind}Uncached`;

interface Figures {
  readonly reqPerSec: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  readonly requests: number;
  readonly non2xx: number;
  readonly errors: number;
}

/** What varies per request: headers, and a function that rewrites each request (e.g. its path). */
interface RequestShape {
  readonly headers?: Record<string, string>;
  readonly setupRequest?: (request: autocannon.Request) => autocannon.Request;
}

interface Settings {
  readonly durationS: number;
  readonly connections: number;
  /** Where the servers write V8 CPU profiles (`--cpu-prof <dir>`), to see where a request's time goes. */
  readonly cpuProfileDir?: string;
}

/**
 * `pnpm bench query [--documents postgres,mongo] [--duration 10] [--connections 32] [--customers 100] [--orders 100]
 *  [--cpu-prof <dir>]`.
 * Each server runs alone in a child process (one core), autocannon in this one (the other core): first fastify's
 * hello-world, then the query service (its real entry, `query-service/src/server.ts`) on each document store, each
 * after a 2 s warm-up. The load is `GET /v1/orders/:id` by one customer over its orders, with its bearer token.
 * Nothing writes meanwhile, so with the order cache on (the default) reads are served from memory after the first
 * of each order; the `order cache off` rows read the document store on every request.
 */
export async function run(args: readonly string[]): Promise<void> {
  const { values } = parseArgs({
    args: [...args],
    options: {
      documents: { type: 'string' },
      duration: { type: 'string', default: '10' },
      connections: { type: 'string', default: '32' },
      customers: { type: 'string', default: '100' },
      orders: { type: 'string', default: '100' },
      'cpu-prof': { type: 'string' },
    },
  });
  const infra = readInfraEnv();
  const adminUrl = process.env.DATABASE_URL ?? infra.DATABASE_URL;
  if (adminUrl === undefined || adminUrl === '') throw new Error('no PostgreSQL: run `pnpm infra:up` (or set DATABASE_URL)');
  const mongoUrl = process.env.MONGO_URL ?? infra.MONGO_URL;
  const kinds = (values.documents ?? (mongoUrl ? 'postgres,mongo' : 'postgres')).split(',').filter(Boolean);
  for (const kind of kinds) if (!documentKinds.includes(kind as DocumentKind)) throw new Error(`unknown document store "${kind}"`);
  const settings: Settings = {
    durationS: positive(values.duration),
    connections: positive(values.connections),
    ...(values['cpu-prof'] === undefined ? {} : { cpuProfileDir: values['cpu-prof'] }),
  };
  const customers = positive(values.customers);
  const ordersPerCustomer = positive(values.orders);

  const database = await createScratchDatabase(adminUrl, `bench_query_${randomBytes(4).toString('hex')}`);
  const results: Partial<Record<Row, Figures>> = {};
  try {
    progress(`fastify hello-world, ${settings.connections} connections, ${settings.durationS} s`);
    results.ceiling = await measureServer(helloServer, {}, (port) => `http://127.0.0.1:${port}/`, settings);
    progress(`platform HTTP skeleton hello-world, ${settings.connections} connections, ${settings.durationS} s`);
    results.skeleton = await measureServer(
      skeletonServer,
      serviceEnv(randomBytes(32).toString('hex')),
      (port) => `http://127.0.0.1:${port}/hello`,
      settings,
    );
    for (const kind of kinds as DocumentKind[]) {
      if (kind === 'mongo' && !mongoUrl) throw new Error('no MongoDB-compatible server: run `pnpm infra:up` (or set MONGO_URL)');
      const mongo = kind === 'mongo' && mongoUrl ? withDatabase(mongoUrl, database.name) : undefined;
      progress(`seeding ${customers * ordersPerCustomer} orders into ${kind}`);
      const documents: DocumentStore =
        mongo === undefined
          ? createPostgresDocumentStore({ connectionString: database.url })
          : await createMongoDocumentStore({ url: mongo, dbName: database.name });
      try {
        await seedOrders(documents, customers, ordersPerCustomer);
      } finally {
        await documents.close();
      }
      results[kind] = await measureQueryService(database.url, mongo, ordersPerCustomer, settings, kind, true);
      results[`${kind}Uncached`] = await measureQueryService(database.url, mongo, ordersPerCustomer, settings, kind, false);
    }
    if (mongoUrl && kinds.includes('mongo')) await dropMongoDatabase(withDatabase(mongoUrl, database.name));
  } finally {
    await database.drop();
  }
  process.stdout.write(report(results, settings));
}

const helloServer = fileURLToPath(new URL('./query/helloServer.ts', import.meta.url));
const skeletonServer = fileURLToPath(new URL('./query/skeletonServer.ts', import.meta.url));
const queryServer = fileURLToPath(new URL('../../query-service/src/server.ts', import.meta.url));

async function measureQueryService(
  databaseUrl: string,
  mongoUrl: string | undefined,
  ordersPerCustomer: number,
  settings: Settings,
  kind: DocumentKind,
  cached: boolean,
): Promise<Figures> {
  const secret = randomBytes(32).toString('hex');
  const env = {
    ...serviceEnv(secret),
    DATABASE_URL: databaseUrl,
    ...(mongoUrl === undefined ? {} : { MONGO_URL: mongoUrl }),
    ...(cached ? {} : { QUERY_ORDER_CACHE_TTL_MS: '0' }),
  };
  const token = await signToken({ secret, issuer: 'orderflow', audience: 'orderflow-api' }, { sub: customerIdOf(0), role: 'customer' });
  let next = 0;
  progress(
    `query service on ${kind} documents, order cache ${cached ? 'on' : 'off'}, ${settings.connections} connections, ${settings.durationS} s`,
  );
  return measureServer(queryServer, env, (port) => `http://127.0.0.1:${port}/v1/orders/${orderIdOf(0, 0)}`, settings, {
    headers: { authorization: `Bearer ${token}` },
    setupRequest: (request: autocannon.Request): autocannon.Request => {
      next = (next + 1) % ordersPerCustomer;
      return { ...request, path: `/v1/orders/${orderIdOf(0, next)}` };
    },
  });
}

function serviceEnv(secret: string): Record<string, string> {
  return {
    NODE_ENV: 'production',
    JWT_SECRET: secret,
    LOG_LEVEL: 'warn',
    // One caller makes every request: the per-caller limit (600/min by default) would answer 429s.
    RATE_LIMIT_PER_MINUTE: '1000000000',
    OTEL_TRACES_EXPORTER: 'none',
  };
}

/** Starts `entry` on a free port, waits until it answers, warms it up, measures, stops it. */
async function measureServer(
  entry: string,
  env: Record<string, string>,
  urlOf: (port: number) => string,
  settings: Settings,
  request: RequestShape = {},
): Promise<Figures> {
  const port = await freePort();
  const child = fork(entry, [String(port)], {
    env: { ...process.env, ...env, HOST: '127.0.0.1', QUERY_PORT: String(port) },
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    ...(settings.cpuProfileDir === undefined
      ? {}
      : { execArgv: [...process.execArgv, '--cpu-prof', `--cpu-prof-dir=${settings.cpuProfileDir}`] }),
  });
  try {
    const url = urlOf(port);
    await untilAnswering(child, url, request.headers ?? {});
    await load(url, request, { ...settings, durationS: 2 });
    return await load(url, request, settings);
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
  }
}

async function load(url: string, request: RequestShape, settings: Settings): Promise<Figures> {
  const result = await autocannon({
    url,
    connections: settings.connections,
    duration: settings.durationS,
    ...(request.headers === undefined ? {} : { headers: request.headers }),
    ...(request.setupRequest === undefined ? {} : { requests: [{ setupRequest: request.setupRequest }] }),
  });
  return {
    reqPerSec: round(result.requests.average),
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    maxMs: result.latency.max,
    requests: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors,
  };
}

async function untilAnswering(child: ChildProcess, url: string, headers: Record<string, string>): Promise<void> {
  const deadline = Date.now() + 60_000;
  let last = 'no answer';
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the server exited with ${child.exitCode} before answering`);
    try {
      const response = await fetch(url, { headers });
      if (response.ok) return;
      last = `${response.status} ${await response.text()}`;
    } catch (err) {
      last = String(err);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${url} did not answer 2xx within 60 s: ${last}`);
}

function report(results: Partial<Record<Row, Figures>>, settings: Settings): string {
  const ceiling = results.ceiling;
  const rows = [['server', 'req/s', 'p50 ms', 'p99 ms', 'max ms', 'non-2xx', 'errors', 'of ceiling']];
  const labels: Record<Row, string> = {
    ceiling: 'fastify hello-world (ceiling)',
    skeleton: 'platform HTTP skeleton, hello-world',
    postgres: 'GET /v1/orders/:id, PostgreSQL JSONB',
    postgresUncached: '  same, order cache off',
    mongo: 'GET /v1/orders/:id, FerretDB',
    mongoUncached: '  same, order cache off',
  };
  const json: Record<string, unknown> = { bench: 'query', connections: settings.connections, durationS: settings.durationS };
  const targets: string[] = [];
  for (const key of ['ceiling', 'skeleton', 'postgres', 'postgresUncached', 'mongo', 'mongoUncached'] as const) {
    const f = results[key];
    if (f === undefined) continue;
    const ratio = ceiling && key !== 'ceiling' ? round(f.reqPerSec / ceiling.reqPerSec) : undefined;
    rows.push([
      labels[key],
      String(f.reqPerSec),
      String(f.p50Ms),
      String(f.p99Ms),
      String(f.maxMs),
      String(f.non2xx),
      String(f.errors),
      ratio === undefined ? '' : `${Math.round(ratio * 100)}%`,
    ]);
    json[key] = { ...f, ...(ratio === undefined ? {} : { ofCeiling: ratio }) };
    if (ratio !== undefined && key !== 'skeleton')
      targets.push(
        `  ${key}: ≥ 50% of the ceiling → ${ratio >= 0.5 ? 'met' : 'MISSED'} (${Math.round(ratio * 100)}%); p99 < 10 ms → ${f.p99Ms < 10 ? 'met' : 'MISSED'} (${f.p99Ms} ms)`,
      );
  }
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  const table = rows
    .map((r) => r.map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0))).join('  '))
    .join('\n');
  json.environment = { node: process.version, cpus: os.cpus().length };
  return `${table}\n\ntargets:\n${targets.join('\n')}\n\n${JSON.stringify(json)}\n`;
}

function withDatabase(mongoUrl: string, name: string): string {
  const url = new URL(mongoUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

async function dropMongoDatabase(url: string): Promise<void> {
  const documents = await createMongoDocumentStore({ url });
  try {
    await documents.collection('order_history', { idField: 'orderId', positionField: 'lastPosition' }).drop();
  } finally {
    await documents.close();
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => {
        resolve(typeof address === 'object' && address !== null ? address.port : 0);
      });
    });
  });
}

function positive(value: string | undefined): number {
  const parsed = Number(value);
  if (!Number.isSafeInteger(parsed) || parsed <= 0) throw new Error(`not a positive integer: ${value}`);
  return parsed;
}

function progress(message: string): void {
  process.stderr.write(`${message}\n`);
}
