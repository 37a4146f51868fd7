import { createHash, randomUUID } from 'node:crypto';
import http from 'node:http';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { request } from 'undici';
import { createEmbeddedPostgres } from '@orderflow/platform';
import { Coalescer, eventValues, insertEvents, type PendingAppend } from './eventstore/ceiling.js';
import { createPostgresEventStore, Wakeups, type NewEvent } from './eventstore/platform.js';

/**
 * The checkout ceiling's engine, run by `pnpm bench checkout --subjects orderflow,ceiling` in place of `orderflow
 * start` (same arguments, same ports, same embedded PostgreSQL, same load and measurement): the least a checkout on
 * this topology has to do, with none of the engine's code, so that `orderflow/ceiling` says how much the engine leaves
 * on the table and a target above the ceiling is known to be out of reach here.
 *
 * What it keeps, because the issue's checkout cannot do without it: the order comes in over HTTP and is durable
 * (committed, fsync) before its 201; the idempotency key is enforced durably (the OrderPlaced event's id derives from
 * it, and the event-id index refuses a second one); the stock is reserved, the payment authorized and captured by a
 * gateway over HTTP (a bare `node:http` server in this process, idempotent on the key, called with undici as the
 * engine's client does); each step is recorded in the log before the next effect (the checkout's stream as its
 * inbox/outbox); the events are rows of our own `es.events`, which the benchmark's subscriber reads as it reads the
 * engine's (woken by the same NOTIFY after each group); and the stock, order history and notifications read models
 * are written (the stock counters move with no availability check: the benchmark's stock never runs out).
 *
 * What it leaves out, because it is how the engine is built rather than what a checkout needs: no framework,
 * validation library, tokens (the engine caches a verified token anyway), tracing or metrics; no per-append checks
 * (revisions come from this process's own counters, enforced by the stream/revision index alone); no store function,
 * stream table or soft deletes; the saga runs straight through in memory (no log round trip between steps, no inbox
 * table, no timers); the read models are written in the events' own statement instead of by subscribers; 10 events
 * per order in 4 statements. Concurrent steps share one statement and one commit (natural batching, as group commit).
 * Not an engine (a crash loses the checkouts in flight; a repeated idempotency key fails its whole group instead of
 * replaying the first answer, which the benchmark, sending fresh keys, never does; the gateway has no latency or
 * failure settings, which the benchmark sets for neither): a bound.
 */

interface Step {
  readonly appends: readonly PendingAppend[];
  /** SKU, change of reserved, change of sold. */
  readonly stock?: readonly (readonly [string, number, number])[];
  readonly order?: readonly [string, object];
  readonly notification?: readonly [string, object];
}

/** The read models and the events of concurrent steps in one statement, one commit. */
async function writeSteps(pool: pg.Pool, steps: readonly Step[]): Promise<void> {
  const stock = new Map<string, [number, number]>();
  for (const [sku, reserved, sold] of steps.flatMap((s) => s.stock ?? [])) {
    const [r, s] = stock.get(sku) ?? [0, 0];
    stock.set(sku, [r + reserved, s + sold]);
  }
  const docs = (pick: (step: Step) => readonly [string, object] | undefined) => {
    const byId = new Map<string, object>();
    for (const step of steps) {
      const doc = pick(step);
      if (doc !== undefined) byId.set(doc[0], doc[1]);
    }
    return [[...byId.keys()], [...byId.values()].map((doc) => JSON.stringify(doc))];
  };
  await pool.query({
    name: 'checkout_ceiling_step',
    text: `with e as (${insertEvents}),
        s as (insert into ceiling.stock as t (sku, reserved, sold) select * from unnest($7::text[], $8::int[], $9::int[])
              on conflict (sku) do update set reserved = t.reserved + excluded.reserved, sold = t.sold + excluded.sold),
        o as (insert into ceiling.orders (id, doc) select * from unnest($10::text[], $11::jsonb[])
              on conflict (id) do update set doc = excluded.doc)
        insert into ceiling.notifications (id, doc) select * from unnest($12::text[], $13::jsonb[])
        on conflict (id) do update set doc = excluded.doc`,
    values: [
      ...eventValues(steps.flatMap((s) => s.appends)),
      [...stock.keys()],
      [...stock.values()].map((v) => v[0]),
      [...stock.values()].map((v) => v[1]),
      ...docs((s) => s.order),
      ...docs((s) => s.notification),
    ],
  });
}

/** A UUID derived from a name (the idempotency key): a second OrderPlaced for the key is refused by the event-id index. */
function uuidOf(name: string): string {
  const hex = createHash('sha256').update(name).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

function event(type: string, data: Record<string, unknown>, orderId: string, eventId: string = randomUUID()): NewEvent {
  return {
    type,
    data: data as NewEvent['data'],
    metadata: { eventId, schemaVersion: 1, occurredAt: new Date().toISOString(), actor: 'ceiling', correlationId: orderId },
  };
}

async function readJson(req: http.IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
}

function reply(res: http.ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': status >= 400 ? 'application/problem+json' : 'application/json',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}

/** The gateway: authorize and capture, idempotent on the key (a repeated key gets the first answer). */
function startGateway(port: number): Promise<http.Server> {
  const answers = new Map<string, unknown>();
  const server = http.createServer((req, res) => {
    void readJson(req)
      .then((body) => {
        const key = String(req.headers['idempotency-key'] ?? '');
        const { paymentId } = body as { paymentId?: string };
        if (key === '' || typeof paymentId !== 'string') {
          reply(res, 400, { title: 'Bad request' });
          return;
        }
        let answer = answers.get(key);
        if (answer === undefined) {
          answer = { paymentId, status: req.url === '/v1/authorize' ? 'authorized' : 'captured', reference: randomUUID() };
          answers.set(key, answer);
        }
        reply(res, 200, answer);
      })
      .catch(() => {
        reply(res, 400, { title: 'Bad request' });
      });
  });
  return new Promise((resolve) =>
    server.listen(port, '127.0.0.1', () => {
      resolve(server);
    }),
  );
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    args: process.argv.slice(2).filter((a) => a !== 'start'),
    options: { 'data-dir': { type: 'string' }, 'pg-port': { type: 'string' }, 'no-seed': { type: 'boolean' } },
  });
  const dataDir = values['data-dir'] ?? '.data-ceiling';
  const embedded = createEmbeddedPostgres({
    dataDir: path.join(dataDir, 'postgres'),
    logFile: path.join(dataDir, 'logs', 'postgres.log'),
    port: Number(values['pg-port'] ?? 54339),
  });
  const { url } = await embedded.start();
  // Our migrations make es.events (the benchmark's subscriber reads it through our store); then the read models.
  await (await createPostgresEventStore({ connectionString: url, maxConnections: 1 })).close();
  const pool = new pg.Pool({ connectionString: url, max: 8 });
  await pool.query(`create schema if not exists ceiling;
    create table if not exists ceiling.stock (sku text primary key, reserved int not null default 0, sold int not null default 0);
    create table if not exists ceiling.orders (id text primary key, doc jsonb not null);
    create table if not exists ceiling.notifications (id text primary key, doc jsonb not null)`);
  // After each group, a NOTIFY outside its transaction wakes the subscribers: our store's own (coalesced, one in flight).
  const wakeups = new Wakeups({ connectionString: url });
  const steps = new Coalescer<Step>(async (items) => {
    await writeSteps(pool, items);
    wakeups.notify();
  });
  const revisions = new Map<string, number>();
  /** The revision before `count` new events of a stream only this process writes. */
  const reserve = (streamId: string, count: number) => {
    const before = revisions.get(streamId) ?? 0;
    revisions.set(streamId, before + count);
    return before;
  };

  const gatewayPort = Number(process.env.GATEWAY_PORT ?? 3002);
  const gateway = await startGateway(gatewayPort);
  const pay = async (operation: 'authorize' | 'capture', paymentId: string, amount: number) => {
    const response = await request(`http://127.0.0.1:${gatewayPort}/v1/${operation}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': `${paymentId}:${operation}` },
      body: JSON.stringify({ paymentId, amount: { amount, currency: 'EUR' }, paymentMethodToken: 'tok_visa' }),
    });
    const body = (await response.body.json()) as { reference?: string };
    if (response.statusCode !== 200 || body.reference === undefined) throw new Error(`${operation}: ${response.statusCode}`);
    return body.reference;
  };

  const checkout = async (orderId: string, sku: string, quantity: number, amount: number) => {
    const stock = `inventory-${sku}`;
    const checkoutStream = `checkout-${orderId}`;
    await steps.add({
      appends: [
        {
          streamId: checkoutStream,
          events: [
            event('CheckoutStarted', { orderId }, orderId),
            event('CheckoutAdvanced', { orderId, input: { kind: 'stock_reserved', sku } }, orderId),
          ],
          eventsBefore: 0,
        },
        { streamId: stock, events: [event('StockReserved', { sku, orderId, quantity }, orderId)], eventsBefore: reserve(stock, 1) },
      ],
      stock: [[sku, quantity, 0]],
    });
    const authorization = await pay('authorize', orderId, amount);
    await steps.add({
      appends: [
        { streamId: `payment-${orderId}`, events: [event('PaymentAuthorized', { orderId, authorization }, orderId)], eventsBefore: 0 },
        {
          streamId: checkoutStream,
          events: [event('CheckoutAdvanced', { orderId, input: { kind: 'payment_authorized' } }, orderId)],
          eventsBefore: 2,
        },
        { streamId: `order-${orderId}`, events: [event('OrderConfirmed', { orderId }, orderId)], eventsBefore: 1 },
        { streamId: stock, events: [event('ReservationCommitted', { sku, orderId, quantity }, orderId)], eventsBefore: reserve(stock, 1) },
      ],
      stock: [[sku, -quantity, quantity]],
      order: [orderId, { orderId, status: 'confirmed', sku, quantity, amount }],
      notification: [orderId, { orderId, kind: 'order_confirmed' }],
    });
    const capture = await pay('capture', orderId, amount);
    await steps.add({
      appends: [
        { streamId: `payment-${orderId}`, events: [event('PaymentCaptured', { orderId, capture }, orderId)], eventsBefore: 1 },
        {
          streamId: checkoutStream,
          events: [event('CheckoutAdvanced', { orderId, input: { kind: 'payment_captured' } }, orderId)],
          eventsBefore: 3,
        },
      ],
      order: [orderId, { orderId, status: 'confirmed', paid: true, sku, quantity, amount }],
    });
  };

  const place = async (req: http.IncomingMessage, res: http.ServerResponse) => {
    const key = req.headers['idempotency-key'];
    const body = (await readJson(req)) as { lines?: { sku?: unknown; quantity?: unknown }[] };
    const line = body.lines?.[0];
    if (typeof key !== 'string' || typeof line?.sku !== 'string' || !Number.isInteger(line.quantity)) {
      reply(res, 400, { title: 'Bad request' });
      return;
    }
    const orderId = randomUUID();
    const quantity = line.quantity as number;
    const amount = 1_999 * quantity;
    await steps.add({
      appends: [
        {
          streamId: `order-${orderId}`,
          events: [event('OrderPlaced', { orderId, lines: body.lines, total: { amount, currency: 'EUR' } }, orderId, uuidOf(key))],
          eventsBefore: 0,
        },
      ],
      order: [orderId, { orderId, status: 'placed', sku: line.sku, quantity, amount }],
    });
    reply(res, 201, { orderId, status: 'placed' });
    checkout(orderId, line.sku, quantity, amount).catch((err: unknown) => {
      process.stderr.write(`checkout ${orderId} failed: ${String(err)}\n`);
    });
  };

  const commands = http.createServer((req, res) => {
    if (req.method === 'POST' && req.url === '/v1/orders') {
      place(req, res).catch((err: unknown) => {
        reply(res, err instanceof SyntaxError ? 400 : 500, { title: String(err) });
      });
      return;
    }
    // Registering SKUs (the benchmark's set-up) needs nothing here: a stock row appears with the first reservation.
    req.resume();
    reply(res, 201, {});
  });
  const commandPort = Number(process.env.COMMAND_PORT ?? 3001);
  await new Promise<void>((resolve) => commands.listen(commandPort, '127.0.0.1', resolve));
  process.stdout.write(`checkout ceiling: command API on http://127.0.0.1:${commandPort}, gateway on ${gatewayPort}\n`);

  process.once('SIGTERM', () => {
    commands.close();
    gateway.close();
    void wakeups
      .close()
      .then(() => pool.end())
      .then(() => embedded.stop())
      .finally(() => process.exit(0));
  });
}

await main();
