import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import {
  createMongoDocumentStore,
  createPostgresDocumentStore,
  freePort,
  readInfraEnv,
  signToken,
  type DocumentStore,
} from '@orderflow/platform';
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
  /** The server process's CPU time (user + system, all its threads) per answered request, in µs. */
  readonly cpuUsPerRequest: number;
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
 * `pnpm bench query [--documents postgres,mongo] [--rounds 3] [--duration 5] [--connections 32] [--customers 100]
 *  [--orders 100] [--cpu-prof <dir>]`.
 * Every server runs in a child process of its own, autocannon in this one: fastify's hello-world (the ceiling),
 * platform's HTTP skeleton with a hello-world route, and the query service (its real entry,
 * `query-service/src/server.ts`) per document store with the order cache on and off. All are started and warmed up
 * (2 s) first; then each round measures every server once, in a rotated order, and the table shows the median round
 * (the machine is shared: interleaving keeps the ratios honest when its load changes). One server is under load at
 * a time. The load is `GET /v1/orders/:id` by one customer over its orders, with its bearer token. Nothing writes
 * meanwhile, so with the order cache on (the default) reads are served from memory after the first of each order;
 * the `order cache off` rows read the document store on every request. Each row also shows the server process's CPU
 * time per request (from /proc; the database's own CPU not included), which depends far less than req/s on what
 * else the machine runs: `CPU: ceiling/this` is the share of the ceiling's rate the server would reach if CPU-bound.
 */
export async function run(args: readonly string[]): Promise<void> {
  const { values } = parseArgs({
    args: [...args],
    options: {
      documents: { type: 'string' },
      rounds: { type: 'string', default: '3' },
      duration: { type: 'string', default: '5' },
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
  if (kinds.includes('mongo') && !mongoUrl) throw new Error('no MongoDB-compatible server: run `pnpm infra:up` (or set MONGO_URL)');
  const settings: Settings = {
    durationS: positive(values.duration),
    connections: positive(values.connections),
    ...(values['cpu-prof'] === undefined ? {} : { cpuProfileDir: values['cpu-prof'] }),
  };
  const rounds = positive(values.rounds);
  const customers = positive(values.customers);
  const ordersPerCustomer = positive(values.orders);

  const database = await createScratchDatabase(adminUrl, `bench_query_${randomBytes(4).toString('hex')}`);
  const mongo = mongoUrl && kinds.includes('mongo') ? withDatabase(mongoUrl, database.name) : undefined;
  const running: Running[] = [];
  const samples = new Map<Row, Figures[]>();
  try {
    for (const kind of kinds as DocumentKind[]) {
      progress(`seeding ${customers * ordersPerCustomer} orders into ${kind}`);
      const documents: DocumentStore =
        kind === 'mongo' && mongo !== undefined
          ? await createMongoDocumentStore({ url: mongo, dbName: database.name })
          : createPostgresDocumentStore({ connectionString: database.url });
      try {
        await seedOrders(documents, customers, ordersPerCustomer);
      } finally {
        await documents.close();
      }
    }
    const subjects: Subject[] = [
      { row: 'ceiling', entry: helloServer, env: {}, path: () => '/' },
      { row: 'skeleton', entry: skeletonServer, env: serviceEnv(randomBytes(32).toString('hex')), path: () => '/hello' },
      ...(await Promise.all(
        (kinds as DocumentKind[]).flatMap((kind) =>
          [true, false].map((cached) => querySubject(kind, cached, database.url, kind === 'mongo' ? mongo : undefined, ordersPerCustomer)),
        ),
      )),
    ];
    for (const subject of subjects) {
      progress(`starting ${labels[subject.row].trim()}`);
      running.push(await start(subject, settings));
    }
    for (let round = 0; round < rounds; round += 1)
      for (let i = 0; i < running.length; i += 1) {
        const server = running[(i + round) % running.length];
        if (server === undefined) continue;
        progress(
          `round ${round + 1}/${rounds}: ${labels[server.row].trim()}, ${settings.connections} connections, ${settings.durationS} s`,
        );
        samples.set(server.row, [...(samples.get(server.row) ?? []), await load(server, settings)]);
      }
  } finally {
    await Promise.all(running.map((server) => server.stop()));
    if (mongo !== undefined) await dropMongoDatabase(mongo);
    await database.drop();
  }
  process.stdout.write(report(samples, settings, rounds));
}

const helloServer = fileURLToPath(new URL('./query/helloServer.ts', import.meta.url));
const skeletonServer = fileURLToPath(new URL('./query/skeletonServer.ts', import.meta.url));
const queryServer = fileURLToPath(new URL('../../query-service/src/server.ts', import.meta.url));

const labels: Record<Row, string> = {
  ceiling: 'fastify hello-world (ceiling)',
  skeleton: 'platform HTTP skeleton, hello-world',
  postgres: 'GET /v1/orders/:id, PostgreSQL JSONB',
  postgresUncached: '  same, order cache off',
  mongo: 'GET /v1/orders/:id, FerretDB',
  mongoUncached: '  same, order cache off',
};

/** A server to measure: its entry, environment and the requests to send it. */
interface Subject {
  readonly row: Row;
  readonly entry: string;
  /** Added to this process's environment; `undefined` removes a variable (a MONGO_URL from infra.env, say). */
  readonly env: Record<string, string | undefined>;
  readonly path: () => string;
  readonly headers?: Record<string, string>;
}

interface Running {
  readonly row: Row;
  readonly url: string;
  readonly pid: number;
  readonly request: RequestShape;
  stop(): Promise<void>;
}

async function querySubject(
  kind: DocumentKind,
  cached: boolean,
  databaseUrl: string,
  mongoUrl: string | undefined,
  orders: number,
): Promise<Subject> {
  const secret = randomBytes(32).toString('hex');
  let next = 0;
  return {
    row: cached ? kind : `${kind}Uncached`,
    entry: queryServer,
    env: {
      ...serviceEnv(secret),
      DATABASE_URL: databaseUrl,
      // PostgreSQL documents: a MONGO_URL in this process's environment (sourced from infra.env) must not reach it.
      MONGO_URL: mongoUrl,
      ...(cached ? {} : { QUERY_ORDER_CACHE_TTL_MS: '0' }),
    },
    path: () => {
      next = (next + 1) % orders;
      return `/v1/orders/${orderIdOf(0, next)}`;
    },
    headers: {
      authorization: `Bearer ${await signToken({ secret, issuer: 'orderflow', audience: 'orderflow-api' }, { sub: customerIdOf(0), role: 'customer' })}`,
    },
  };
}

function definedOnly(env: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined));
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

/** Starts the subject on a free port, waits until it answers, warms it up. */
async function start(subject: Subject, settings: Settings): Promise<Running> {
  const port = await freePort();
  const child = fork(subject.entry, [String(port)], {
    env: definedOnly({ ...process.env, ...subject.env, HOST: '127.0.0.1', QUERY_PORT: String(port) }),
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    ...(settings.cpuProfileDir === undefined
      ? {}
      : { execArgv: [...process.execArgv, '--cpu-prof', `--cpu-prof-dir=${settings.cpuProfileDir}`] }),
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const stop = async () => {
    if (child.exitCode === null) child.kill('SIGTERM');
    await exited;
  };
  try {
    const url = `http://127.0.0.1:${port}`;
    const request: RequestShape = {
      ...(subject.headers === undefined ? {} : { headers: subject.headers }),
      setupRequest: (r: autocannon.Request): autocannon.Request => ({ ...r, path: subject.path() }),
    };
    await untilAnswering(child, `${url}${subject.path()}`, subject.headers ?? {});
    if (child.pid === undefined) throw new Error('the server has no pid');
    const running = { row: subject.row, url, pid: child.pid, request, stop };
    await load(running, { ...settings, durationS: 2 });
    return running;
  } catch (err) {
    await stop();
    throw err;
  }
}

async function load(server: Running, settings: Settings): Promise<Figures> {
  const { url, request } = server;
  const cpuBefore = cpuMicros(server.pid);
  const result = await autocannon({
    url,
    connections: settings.connections,
    duration: settings.durationS,
    ...(request.headers === undefined ? {} : { headers: request.headers }),
    ...(request.setupRequest === undefined ? {} : { requests: [{ setupRequest: request.setupRequest }] }),
  });
  const cpu = cpuMicros(server.pid) - cpuBefore;
  return {
    reqPerSec: round(result.requests.average),
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    maxMs: result.latency.max,
    requests: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors,
    cpuUsPerRequest: round(cpu / Math.max(1, result.requests.total)),
  };
}

/**
 * CPU time a process has used so far (user + system, all threads), in µs, from `/proc/<pid>/stat` (clock ticks of
 * 10 ms). Unlike req/s it hardly depends on what else the machine runs, so it compares servers across noisy runs.
 */
function cpuMicros(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // After the command: state is field 3, utime field 14 and stime field 15 (1-based, man 5 proc).
  return (Number(fields[11]) + Number(fields[12])) * 10_000;
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

function report(samples: ReadonlyMap<Row, readonly Figures[]>, settings: Settings, rounds: number): string {
  const median = (row: Row) => {
    const sorted = [...(samples.get(row) ?? [])].sort((a, b) => a.reqPerSec - b.reqPerSec);
    return sorted[Math.floor((sorted.length - 1) / 2)];
  };
  // CPU per request: the median over the rounds of its own (the round with the median req/s may be a noisy one).
  const cpuPerRequest = (row: Row) => {
    const sorted = (samples.get(row) ?? []).map((s) => s.cpuUsPerRequest).sort((a, b) => a - b);
    return sorted[Math.floor((sorted.length - 1) / 2)];
  };
  const ceiling = median('ceiling');
  const skeleton = median('skeleton');
  const ceilingCpu = cpuPerRequest('ceiling');
  const percent = (ratio: number | undefined) => (ratio === undefined ? '' : `${Math.round(ratio * 100)}%`);
  const rows = [
    [
      'server (median round)',
      'req/s',
      'p50 ms',
      'p99 ms',
      'max ms',
      'non-2xx',
      'errors',
      'of ceiling',
      'of skeleton',
      'CPU µs/req',
      'CPU: ceiling/this',
    ],
  ];
  const json: Record<string, unknown> = { bench: 'query', connections: settings.connections, durationS: settings.durationS, rounds };
  const targets: string[] = [];
  for (const row of Object.keys(labels) as Row[]) {
    const f = median(row);
    if (f === undefined) continue;
    const ofCeiling = ceiling && row !== 'ceiling' ? round(f.reqPerSec / ceiling.reqPerSec) : undefined;
    const ofSkeleton = skeleton && row !== 'ceiling' && row !== 'skeleton' ? round(f.reqPerSec / skeleton.reqPerSec) : undefined;
    const all = samples.get(row) ?? [];
    const cpu = cpuPerRequest(row);
    const cpuOfCeiling = ceilingCpu !== undefined && cpu !== undefined && row !== 'ceiling' ? round(ceilingCpu / cpu) : undefined;
    rows.push([
      labels[row],
      String(f.reqPerSec),
      String(f.p50Ms),
      String(f.p99Ms),
      String(f.maxMs),
      String(all.reduce((n, s) => n + s.non2xx, 0)),
      String(all.reduce((n, s) => n + s.errors, 0)),
      percent(ofCeiling),
      percent(ofSkeleton),
      String(cpu ?? ''),
      percent(cpuOfCeiling),
    ]);
    json[row] = {
      ...f,
      ...(ofCeiling === undefined ? {} : { ofCeiling }),
      ...(ofSkeleton === undefined ? {} : { ofSkeleton }),
      ...(cpu === undefined ? {} : { medianCpuUsPerRequest: cpu }),
      ...(cpuOfCeiling === undefined ? {} : { cpuOfCeiling }),
      reqPerSecByRound: all.map((s) => s.reqPerSec),
    };
    if (ofCeiling !== undefined && row !== 'skeleton')
      targets.push(
        `  ${row}: ≥ 50% of the ceiling → ${ofCeiling >= 0.5 ? 'met' : 'MISSED'} (${percent(ofCeiling)}); p99 < 10 ms → ${f.p99Ms < 10 ? 'met' : 'MISSED'} (${f.p99Ms} ms)`,
      );
  }
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  const table = rows
    .map((r) => r.map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0))).join('  '))
    .join('\n');
  json.environment = { node: process.version, cpus: os.cpus().length, loadAverage: os.loadavg().map(round) };
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

function positive(value: string | undefined): number {
  const parsed = Number(value);
  if (!Number.isSafeInteger(parsed) || parsed <= 0) throw new Error(`not a positive integer: ${value}`);
  return parsed;
}

function progress(message: string): void {
  process.stderr.write(`${message}\n`);
}
