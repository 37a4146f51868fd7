import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { chmod, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { request } from 'undici';
import { createEventStore, freePort, signToken, type EventStore } from '@orderflow/platform';
import { LatencyRecorder, round } from './stats.js';

export const description =
  'checkout end to end on the embedded topology (`orderflow start`): orders over HTTP at a fixed and at the maximum rate, acceptance → OrderConfirmed';

const root = path.resolve(import.meta.dirname, '../..');
const skuCount = 200;
const customerCount = 100;

interface Phase {
  readonly name: string;
  readonly targetRate: number | 'max';
  readonly durationS: number;
  readonly accepted: number;
  readonly rejected: number;
  readonly confirmed: number;
  /** Orders accepted in the window and confirmed in it or within the drain. */
  readonly confirmedPerS: number;
  readonly acceptedPerS: number;
  readonly placeP50Ms: number;
  readonly placeP99Ms: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  /** Accepted but not confirmed when the window closed. */
  readonly backlogAtEnd: number;
  /** Accepted and never confirmed within the drain. */
  readonly unconfirmed: number;
  /**
   * CPU time per confirmed order, window and drain (placing, saga, projections, query side idle): the engine's Node
   * process and its PostgreSQL. 2 cores / their sum is the machine's ceiling in orders/s, whatever else runs on it.
   */
  readonly cpuMsPerOrder: { readonly engine: number; readonly postgres: number };
  /** Median ms between the steps of a checkout, from the events' commit times (a sample of the confirmed orders). */
  readonly steps: Readonly<Record<string, number>>;
}

const stepNames = [
  'placed→saga picks up',
  'saga→reserved, picked up',
  'authorize at gateway',
  'authorized→saga picks up',
  'saga→OrderConfirmed',
  'OrderConfirmed→subscriber',
] as const;

/**
 * Where a checkout's time goes, from commit times: OrderPlaced → CheckoutStarted (the saga's subscription and first
 * step) → CheckoutAdvanced(stock_reserved) (reserve command, the next hop) → PaymentAuthorized (request and the
 * gateway call) → CheckoutAdvanced(payment_authorized) (a hop) → OrderConfirmed (the confirm command); then until this
 * process's subscriber saw it.
 */
async function stepBreakdown(
  store: EventStore,
  orderIds: readonly string[],
  seenAt: (orderId: string) => number | undefined,
): Promise<Record<string, number>> {
  const samples: number[][] = stepNames.map(() => []);
  const epochOffset = Date.now() - performance.now();
  for (const orderId of orderIds) {
    const [order, checkout, payment] = await Promise.all([
      store.readStream(`order-${orderId}`),
      store.readStream(`checkout-${orderId}`),
      store.readStream(`payment-${orderId}`),
    ]);
    const at = (events: typeof order, match: (e: (typeof order)[number]) => boolean) => events.find(match)?.recordedAt.getTime();
    const inputOf = (e: (typeof order)[number]) => (e.data.input as { kind?: string } | undefined)?.kind;
    const seen = seenAt(orderId);
    const times = [
      at(order, (e) => e.type === 'OrderPlaced'),
      at(checkout, (e) => e.type === 'CheckoutStarted'),
      at(checkout, (e) => inputOf(e) === 'stock_reserved'),
      at(payment, (e) => e.type === 'PaymentAuthorized'),
      at(checkout, (e) => inputOf(e) === 'payment_authorized'),
      at(order, (e) => e.type === 'OrderConfirmed'),
      seen === undefined ? undefined : seen + epochOffset,
    ];
    for (let i = 0; i < stepNames.length; i++) {
      const from = times[i];
      const to = times[i + 1];
      if (from !== undefined && to !== undefined) samples[i]?.push(to - from);
    }
  }
  return Object.fromEntries(
    stepNames.map((name, i) => {
      const recorder = new LatencyRecorder();
      for (const value of samples[i] ?? []) recorder.record(value);
      return [name, round(recorder.percentile(50))];
    }),
  );
}

/**
 * `pnpm bench checkout [--duration 30] [--max-duration 60] [--rate 200] [--connections 64] [--drain 20]
 *  [--cpu-prof <dir>] [--phases fixed,max] [--subjects orderflow,ceiling]`.
 * Runs `orderflow start` (the embedded topology: its own embedded PostgreSQL in a temp folder, command API, sandbox
 * gateway, projections, checkout saga, query API) in a child process, a fresh one per phase (a backlog left by one
 * phase would slow the next); this process registers SKUs over HTTP, places
 * orders (`POST /v1/orders`, idempotency key, customer tokens) open-loop at `--rate` per second, then closed-loop with
 * `--connections` in flight, and subscribes to the engine's event store for OrderConfirmed. Latency is from the 201
 * of the order to OrderConfirmed reaching this subscriber. Progress on stderr; table, then one JSON line on stdout.
 * `--subjects` adds the ceiling (`checkoutCeiling.ts`: the least a checkout does on this topology, none of the
 * engine's code) under the same load, phase by phase after the engine; not in the default run (it adds ~3 minutes).
 */
export async function run(args: readonly string[]): Promise<void> {
  const began = performance.now();
  const { values } = parseArgs({
    args: [...args],
    options: {
      duration: { type: 'string', default: '30' },
      'max-duration': { type: 'string', default: '60' },
      rate: { type: 'string', default: '200' },
      connections: { type: 'string', default: '64' },
      drain: { type: 'string', default: '20' },
      phases: { type: 'string', default: 'fixed,max' },
      'cpu-prof': { type: 'string' },
      subjects: { type: 'string', default: 'orderflow' },
    },
  });
  const fixedS = positive(values.duration);
  const maxS = positive(values['max-duration']);
  const rate = positive(values.rate);
  const connections = positive(values.connections);
  const drainS = positive(values.drain);
  const phases = values.phases.split(',').filter(Boolean);
  for (const phase of phases) if (phase !== 'fixed' && phase !== 'max') throw new Error(`unknown phase "${phase}" (fixed, max)`);
  const subjects = values.subjects.split(',').filter(Boolean);
  for (const subject of subjects)
    if (subject !== 'orderflow' && subject !== 'ceiling') throw new Error(`unknown subject "${subject}" (orderflow, ceiling)`);

  const log = (line: string) => process.stderr.write(`${line}\n`);
  const results: (Phase & { readonly subject: Subject })[] = [];
  // Each phase on an engine of its own: a backlog left by one phase must not slow the next. The subjects take turns
  // phase by phase, so that both see the machine as it is at that time.
  for (const phase of phases)
    for (const subject of subjects as Subject[]) {
      const name = phase === 'fixed' ? `${rate}/s` : 'max';
      const target = phase === 'fixed' ? rate : 'max';
      const durationS = phase === 'fixed' ? fixedS : maxS;
      log(
        `${subject}: ${phase === 'fixed' ? `fixed rate: ${rate} orders/s for ${fixedS} s` : `maximum rate: ${connections} orders in flight for ${maxS} s`}`,
      );
      const measured = await onFreshEngine(subject, values['cpu-prof'], log, drainS, (placer) =>
        placer.measure(name, target, durationS, () =>
          phase === 'fixed' ? placer.openLoop(rate, fixedS * 1000) : placer.closedLoop(connections, maxS * 1000),
        ),
      );
      results.push({ ...measured, subject });
    }

  const ours = results.filter((r) => r.subject === 'orderflow');
  const ceiling = results.filter((r) => r.subject === 'ceiling');
  const fixed = ours.find((r) => r.targetRate !== 'max');
  const max = ours.find((r) => r.targetRate === 'max');
  const ceilingFixed = ceiling.find((r) => r.targetRate !== 'max');
  const ceilingMax = ceiling.find((r) => r.targetRate === 'max');
  const header = [
    'subject',
    'phase',
    'accepted/s',
    'confirmed/s',
    'place p50/p99 ms',
    'confirm p50 ms',
    'p99 ms',
    'max ms',
    'backlog',
    'unconfirmed',
    'CPU ms/order node+pg',
    'cores allow/s',
  ];
  const rows = results.map((r) => [
    r.subject,
    r.name,
    String(r.acceptedPerS),
    String(r.confirmedPerS),
    `${r.placeP50Ms} / ${r.placeP99Ms}`,
    String(r.p50Ms),
    String(r.p99Ms),
    String(r.maxMs),
    String(r.backlogAtEnd),
    String(r.unconfirmed),
    `${r.cpuMsPerOrder.engine} + ${r.cpuMsPerOrder.postgres}`,
    String(cpuCeiling(r)),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]?.length ?? 0)));
  const line = (cells: readonly string[]) => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ');
  const targets = [
    `  ≥ 500 orders/s sustained: ${max === undefined ? 'not measured' : `${max.confirmedPerS} confirmed/s over ${max.durationS} s → ${max.confirmedPerS >= 500 && max.durationS >= 60 ? 'met' : 'MISSED'}`}`,
    `  p99 < 250 ms at 200 orders/s: ${fixed === undefined ? 'not measured' : `${fixed.p99Ms} ms at ${fixed.acceptedPerS}/s → ${fixed.p99Ms < 250 && fixed.targetRate === 200 ? 'met' : 'MISSED'}`}`,
    ...(ceilingMax === undefined
      ? []
      : [
          `  the ceiling (the least a checkout does here): ${ceilingMax.confirmedPerS} confirmed/s at the maximum rate → 500/s ${ceilingMax.confirmedPerS >= 500 ? 'within reach' : 'out of reach on this machine'}` +
            (max === undefined ? '' : `; orderflow/ceiling ${round(max.confirmedPerS / Math.max(1, ceilingMax.confirmedPerS))}`),
        ]),
  ];
  const breakdown = [
    'where a checkout spends its time (median ms, from commit times):',
    ...stepNames.map((name) => `  ${name.padEnd(28)}${ours.map((r) => `${r.name}: ${String(r.steps[name]).padStart(6)}`).join('   ')}`),
  ];
  const environment = { node: process.version, cpus: os.cpus().length, load1: round(os.loadavg()[0] ?? 0) };
  process.stdout.write(
    `${[line(header), ...rows.map(line)].join('\n')}\n` +
      `(latency: the order's 201 → OrderConfirmed seen by a subscriber; backlog: accepted and not yet confirmed when the phase ended; unconfirmed: not confirmed ${drainS} s after the phase; CPU: the engine's and its PostgreSQL's per confirmed order, cores allow: the orders/s two cores carry at that cost)\n\n${breakdown.join('\n')}\n\ntargets:\n${targets.join('\n')}\n\n` +
      `${JSON.stringify({
        bench: 'checkout',
        topology: 'embedded',
        ...(fixed === undefined ? {} : { fixed }),
        ...(max === undefined ? {} : { max }),
        ...(ceiling.length === 0
          ? {}
          : {
              ceiling: {
                ...(ceilingFixed === undefined ? {} : { fixed: ceilingFixed }),
                ...(ceilingMax === undefined ? {} : { max: ceilingMax }),
              },
            }),
        environment,
        totalSeconds: round((performance.now() - began) / 1000),
      })}\n`,
  );
}

/** Orders/s the machine's cores could carry at the measured CPU cost per order (the engine and PostgreSQL only). */
function cpuCeiling(phase: Phase): number {
  const perOrder = phase.cpuMsPerOrder.engine + phase.cpuMsPerOrder.postgres;
  return perOrder > 0 ? Math.round((os.cpus().length * 1000) / perOrder) : 0;
}

type Placer = ReturnType<typeof createPlacer> & {
  measure(name: string, targetRate: number | 'max', durationS: number, load: () => Promise<void>): Promise<Phase>;
};

/** Starts an engine, registers the SKUs, warms it up, runs `work`, and stops it. */
async function onFreshEngine(
  subject: Subject,
  cpuProfileDir: string | undefined,
  log: (line: string) => void,
  drainS: number,
  work: (placer: Placer) => Promise<Phase>,
): Promise<Phase> {
  const began = performance.now();
  const engine = await startEngine(subject, cpuProfileDir);
  let store: EventStore | undefined;
  let stopWatching: () => void = () => undefined;
  try {
    log(`  engine up in ${round((performance.now() - began) / 1000)} s (embedded PostgreSQL at ${engine.pgPort})`);
    const auth = { secret: engine.secret, issuer: 'orderflow', audience: 'orderflow-api' };
    const admin = await signToken(auth, { sub: 'bench-admin', role: 'admin' });
    const customers = await Promise.all(
      Array.from({ length: customerCount }, (_, i) => signToken(auth, { sub: `bench-c${i}`, role: 'customer' })),
    );
    const skus = Array.from({ length: skuCount }, (_, i) => `BENCH-${String(i).padStart(4, '0')}`);
    await Promise.all(skus.map((sku) => registerSku(engine.commandUrl, admin, sku)));
    log(`  registered ${skus.length} SKUs with 1,000,000 units each`);

    const opened = await createEventStore({ databaseUrl: engine.databaseUrl });
    store = opened;
    const confirmations = watchConfirmations(opened);
    stopWatching = () => {
      confirmations.stop();
    };
    const placer = createPlacer(engine.commandUrl, customers, skus, confirmations);
    // Warm-up: JIT, pools, prepared statements.
    await placer.closedLoop(8, 3_000);
    await confirmations.settle(placer.acceptedIds(), 20_000);
    placer.reset();

    return await work({ ...placer, measure });

    async function measure(name: string, targetRate: number | 'max', durationS: number, load: () => Promise<void>): Promise<Phase> {
      placer.reset();
      const cpuBefore = await engine.cpuSeconds();
      const started = performance.now();
      await load();
      const windowEnd = performance.now();
      const accepted = placer.acceptedIds();
      const backlogAtEnd = accepted.filter((id) => !confirmations.has(id)).length;
      const unconfirmed = await confirmations.settle(accepted, drainS * 1000);
      const cpuAfter = await engine.cpuSeconds();
      const perOrderMs = (seconds: number) => round((seconds * 1000) / Math.max(1, accepted.length - unconfirmed));
      const latency = new LatencyRecorder();
      let confirmedInWindow = 0;
      for (const id of accepted) {
        const at = confirmations.at(id);
        const acceptedAt = placer.acceptedAt(id);
        if (at === undefined || acceptedAt === undefined) continue;
        latency.record(at - acceptedAt);
        if (at <= windowEnd) confirmedInWindow += 1;
      }
      const seconds = (windowEnd - started) / 1000;
      const phase: Phase = {
        name,
        targetRate,
        durationS: round(seconds),
        accepted: accepted.length,
        rejected: placer.rejected(),
        confirmed: latency.count,
        confirmedPerS: round(confirmedInWindow / seconds),
        acceptedPerS: round(accepted.length / seconds),
        placeP50Ms: round(placer.placeLatency().percentile(50)),
        placeP99Ms: round(placer.placeLatency().percentile(99)),
        p50Ms: round(latency.percentile(50)),
        p99Ms: round(latency.percentile(99)),
        maxMs: round(latency.percentile(100)),
        backlogAtEnd,
        unconfirmed,
        cpuMsPerOrder: {
          engine: perOrderMs(cpuAfter.engine - cpuBefore.engine),
          postgres: perOrderMs(cpuAfter.postgres - cpuBefore.postgres),
        },
        // The ceiling keeps no stream rows (its events are read from the log only): no breakdown.
        steps:
          subject === 'ceiling'
            ? {}
            : await stepBreakdown(
                opened,
                accepted.filter((id) => confirmations.has(id)).filter((_, i, all) => i % Math.max(1, Math.floor(all.length / 100)) === 0),
                (id) => confirmations.at(id),
              ),
      };
      log(`  ${JSON.stringify(phase)}`);
      return phase;
    }
  } finally {
    stopWatching();
    await store?.close();
    await engine.stop();
  }
}

interface Confirmations {
  has(orderId: string): boolean;
  at(orderId: string): number | undefined;
  /** Waits until every order is confirmed or `timeoutMs` passed; returns how many are not. */
  settle(orderIds: readonly string[], timeoutMs: number): Promise<number>;
}

/** OrderConfirmed as the log delivers it (catch-up then live, LISTEN/NOTIFY), stamped on arrival. */
function watchConfirmations(store: EventStore): Confirmations & { stop: () => void } {
  const seen = new Map<string, number>();
  const controller = new AbortController();
  void (async () => {
    try {
      for await (const item of store.subscribeToAll({
        from: 'start',
        filter: { eventTypes: ['OrderConfirmed'] },
        signal: controller.signal,
      })) {
        if (item.kind !== 'event') continue;
        const orderId = item.event.data.orderId;
        if (typeof orderId === 'string' && !seen.has(orderId)) seen.set(orderId, performance.now());
      }
    } catch (err) {
      if (!controller.signal.aborted) process.stderr.write(`subscription failed: ${String(err)}\n`);
    }
  })();
  return {
    has: (orderId) => seen.has(orderId),
    at: (orderId) => seen.get(orderId),
    async settle(orderIds, timeoutMs) {
      const deadline = performance.now() + timeoutMs;
      for (;;) {
        const missing = orderIds.filter((id) => !seen.has(id)).length;
        if (missing === 0 || performance.now() > deadline) return missing;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
    stop: () => {
      controller.abort();
    },
  };
}

function createPlacer(commandUrl: string, customers: readonly string[], skus: readonly string[], confirmations: Confirmations) {
  let acceptedAt = new Map<string, number>();
  let placeLatency = new LatencyRecorder();
  let rejected = 0;
  let n = 0;
  const address = { name: 'Bench Buyer', line1: '1 Load St', city: 'Paris', postalCode: '75001', country: 'FR' };

  async function placeOne(): Promise<void> {
    const i = n++;
    const token = customers[i % customers.length] ?? '';
    const sku = skus[Math.floor(Math.random() * skus.length)] ?? '';
    const sent = performance.now();
    try {
      // undici's request, not fetch: the load generator shares the two cores with the engine and should take little.
      const response = await request(`${commandUrl}/v1/orders`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'idempotency-key': randomUUID() },
        body: JSON.stringify({
          lines: [{ sku, quantity: 1 }],
          currency: 'EUR',
          shippingAddress: address,
          paymentMethodToken: 'tok_visa',
        }),
      });
      const body = (await response.body.json()) as { orderId?: string };
      const now = performance.now();
      if (response.statusCode !== 201 || body.orderId === undefined) {
        rejected += 1;
        if (rejected <= 3) process.stderr.write(`order refused: ${response.statusCode} ${JSON.stringify(body)}\n`);
        return;
      }
      placeLatency.record(now - sent);
      acceptedAt.set(body.orderId, now);
    } catch (err) {
      rejected += 1;
      if (rejected <= 3) process.stderr.write(`order failed: ${String(err)}\n`);
    }
  }

  return {
    reset() {
      acceptedAt = new Map();
      placeLatency = new LatencyRecorder();
      rejected = 0;
    },
    acceptedIds: () => [...acceptedAt.keys()],
    acceptedAt: (orderId: string) => acceptedAt.get(orderId),
    placeLatency: () => placeLatency,
    rejected: () => rejected,
    confirmations,
    /** `perSecond` orders a second, each sent on its schedule whatever the previous ones are doing. */
    async openLoop(perSecond: number, durationMs: number): Promise<void> {
      const start = performance.now();
      const inFlight = new Set<Promise<void>>();
      let sent = 0;
      while (performance.now() - start < durationMs) {
        const due = Math.floor(((performance.now() - start) / 1000) * perSecond);
        for (; sent < due; sent++) {
          const p = placeOne().finally(() => inFlight.delete(p));
          inFlight.add(p);
        }
        await new Promise((resolve) => setTimeout(resolve, 2));
      }
      await Promise.all(inFlight);
    },
    /** `concurrency` orders in flight at all times. */
    async closedLoop(concurrency: number, durationMs: number): Promise<void> {
      const end = performance.now() + durationMs;
      await Promise.all(
        Array.from({ length: concurrency }, async () => {
          while (performance.now() < end) await placeOne();
        }),
      );
    },
  };
}

async function registerSku(commandUrl: string, admin: string, sku: string): Promise<void> {
  const post = async (url: string, body: unknown) => {
    const response = await fetch(url, {
      method: 'POST',
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json', 'idempotency-key': randomUUID() },
      body: JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`${url}: ${response.status} ${await response.text()}`);
  };
  await post(`${commandUrl}/v1/inventory`, {
    sku,
    name: sku,
    unitPrice: { amount: 1_999, currency: 'EUR' },
    perCustomerLimit: 10_000,
  });
  await post(`${commandUrl}/v1/inventory/${sku}/receive`, { quantity: 1_000_000 });
}

interface Engine {
  readonly commandUrl: string;
  readonly databaseUrl: string;
  readonly pgPort: number;
  readonly secret: string;
  /** CPU seconds used so far by the engine's Node process and by its PostgreSQL server (all its processes). */
  cpuSeconds(): Promise<{ engine: number; postgres: number }>;
  stop(): Promise<void>;
}

const clockTicks = 100; // USER_HZ on Linux

/** utime, stime, cutime, cstime and the parent of a process, from /proc (`undefined`: gone). */
async function procStat(pid: number): Promise<{ own: number; children: number; ppid: number } | undefined> {
  try {
    const text = await readFile(`/proc/${pid}/stat`, 'utf8');
    // The command name may hold spaces: the fields start after its closing parenthesis.
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    const at = (n: number) => Number(fields[n - 3]);
    return { own: (at(14) + at(15)) / clockTicks, children: (at(16) + at(17)) / clockTicks, ppid: at(4) };
  } catch {
    return undefined;
  }
}

/** CPU seconds of a PostgreSQL server: the postmaster, the backends it has reaped, and those running now. */
async function postgresCpuSeconds(dataDir: string): Promise<number> {
  const postmaster = Number((await readFile(path.join(dataDir, 'postmaster.pid'), 'utf8')).split('\n')[0]);
  const root = await procStat(postmaster);
  if (root === undefined) return 0;
  let total = root.own + root.children;
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await procStat(Number(entry));
    if (stat?.ppid === postmaster) total += stat.own;
  }
  return total;
}

/** What the load goes to: the engine, or the least a checkout needs (`checkoutCeiling.ts`). */
type Subject = 'orderflow' | 'ceiling';

/**
 * `orderflow start` (or the ceiling's engine, with the same arguments) on free ports and a temp data folder, none of
 * the test infrastructure's URLs passed on.
 */
async function startEngine(subject: Subject, cpuProfileDir: string | undefined): Promise<Engine> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'orderflow-bench-checkout-'));
  await chmod(dataDir, 0o755); // the embedded server runs as `postgres` when we are root
  const [command, query, gateway, pgPort] = [await freePort(), await freePort(), await freePort(), await freePort()];
  const secret = randomBytes(32).toString('hex');
  const leaked = new Set(['DATABASE_URL', 'EVENTSTORE_URL', 'MONGO_URL', 'KAFKA_BROKERS', 'PAYMENT_GATEWAY_URL']);
  const env: NodeJS.ProcessEnv = {
    ...Object.fromEntries(Object.entries(process.env).filter(([name]) => !leaked.has(name))),
    COMMAND_PORT: String(command),
    QUERY_PORT: String(query),
    GATEWAY_PORT: String(gateway),
    JWT_SECRET: secret,
    LOG_LEVEL: 'warn',
    LOG_FORMAT: 'json',
  };
  const profile = cpuProfileDir === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${path.resolve(cpuProfileDir)}`];
  const child: ChildProcess = spawn(
    process.execPath,
    [
      ...profile,
      '--conditions=@orderflow/source',
      '--import',
      'tsx',
      subject === 'orderflow' ? 'cli/src/main.ts' : 'bench/src/checkoutCeiling.ts',
      'start',
      '--no-seed',
      '--data-dir',
      dataDir,
      '--pg-port',
      String(pgPort),
    ],
    { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) =>
    child.once('exit', () => {
      resolve();
    }),
  );
  const deadline = Date.now() + 180_000;
  while (!output.includes('command API')) {
    if (child.exitCode !== null) throw new Error(`${subject} exited with ${child.exitCode}:\n${output}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${subject} did not come up:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    commandUrl: `http://127.0.0.1:${command}`,
    databaseUrl: `postgres://postgres:postgres@127.0.0.1:${pgPort}/postgres`,
    pgPort,
    secret,
    async cpuSeconds() {
      const engine = child.pid === undefined ? undefined : await procStat(child.pid);
      return { engine: engine?.own ?? 0, postgres: await postgresCpuSeconds(path.join(dataDir, 'postgres')) };
    },
    async stop() {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
        await exited;
        clearTimeout(timer);
      }
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

function positive(value: string): number {
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed <= 0) throw new Error(`not a positive number: ${value}`);
  return parsed;
}
