import { loadConfig, signToken, type DocumentCollection, type DocumentStore, type HttpApp, type Role } from '@orderflow/platform';
import type { Notification, OrderHistoryDocument } from '@orderflow/schemas';
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildQueryApp } from '../app.js';
import { createPostgresCatalogReader } from '../catalogReader.js';
import { collections, createReadModels } from '../readModels.js';
import { notification, orderDocument, positionAt } from './fixtures.js';
import { createManualCheckpoints } from './manualCheckpoints.js';
import { openSse } from './sseClient.js';

export const config = loadConfig({ NODE_ENV: 'test', RATE_LIMIT_PER_MINUTE: '1000000', LOG_LEVEL: 'silent' });
const auth = { ...config.auth, secret: config.auth.secret ?? '' };
export const bearer = async (role: Role, sub: string) => ({ authorization: `Bearer ${await signToken(auth, { sub, role })}` });

/**
 * The query API's routes against one document store (seeded directly, as the projectors would have written it) and
 * PostgreSQL for the catalog: auth and ownership, keyset pages, malformed input, read-your-writes waits.
 */
export function describeQueryApi(openDocuments: () => Promise<DocumentStore>, databaseUrl: () => string): void {
  let documents: DocumentStore;
  let pool: pg.Pool;
  let app: HttpApp;
  let base: string;
  let orders: DocumentCollection<OrderHistoryDocument>;
  const checkpoints = createManualCheckpoints();
  // c-1: 23 orders, three of them placed in the same minute (ties); c-2: 4 orders.
  const mine = Array.from({ length: 23 }, (_, i) =>
    orderDocument(`o-1-${String(i).padStart(2, '0')}`, 'c-1', i < 3 ? 5 : i * 2, i % 4 === 0 ? 'cancelled' : 'confirmed'),
  );
  const theirs = Array.from({ length: 4 }, (_, i) => orderDocument(`o-2-${i}`, 'c-2', i * 3 + 1));
  const notes = Array.from({ length: 9 }, (_, i) => notification(`n-1-${i}`, 'c-1', i < 2 ? 1 : i, i % 3 === 0));

  beforeAll(async () => {
    documents = await openDocuments();
    orders = documents.collection<OrderHistoryDocument>(collections.orders.name, collections.orders);
    const notifications = documents.collection<Notification>(collections.notifications.name, collections.notifications);
    await orders.ensure();
    await notifications.ensure();
    await orders.upsertMany([...mine, ...theirs]);
    await notifications.upsertMany([...notes, notification('n-2-0', 'c-2', 3)]);
    pool = new pg.Pool({ connectionString: databaseUrl(), max: 4 });
    await pool.query(`create schema if not exists read_stock`);
    await pool.query(`create table if not exists read_stock.catalog (
      sku text primary key, name text not null, unit_price bigint not null, currency text not null,
      per_customer_limit int not null, per_order_limit int, on_hand int not null, reserved int not null, sold int not null,
      updated_at timestamptz not null)`);
    await pool.query(
      `insert into read_stock.catalog select 'SKU-' || i, 'Item ' || i, 100 * i, 'EUR', 2, null, 10, i % 3, 1, now()
       from generate_series(1, 7) i on conflict do nothing`,
    );
    const readModels = createReadModels(documents, createPostgresCatalogReader(pool));
    const build = () => buildQueryApp({ config, readModels, watcher: checkpoints, logger: false, consistencyTimeoutMs: 300 });
    app = await build();
    base = await app.listen({ host: '127.0.0.1', port: 0 });
    other = await build();
    otherBase = await other.listen({ host: '127.0.0.1', port: 0 });
  });
  let other: HttpApp;
  let otherBase: string;
  afterAll(async () => {
    await other.close();
    await app.close();
    await pool.end();
    await documents.close();
  });

  const get = async (url: string, headers: Record<string, string> = {}) => app.inject({ method: 'GET', url, headers });
  const codeOf = (res: { json: () => unknown }) => (res.json() as { code: string }).code;

  it('shows customers their own orders with the public timeline, and others’ as 404; admins see all', async () => {
    const own = await get('/v1/orders/o-1-05', await bearer('customer', 'c-1'));
    expect(own.statusCode).toBe(200);
    const body = own.json<OrderHistoryDocument>();
    expect(body.orderId).toBe('o-1-05');
    expect(body.timeline.map((e) => e.visibility)).toEqual(['public']);
    const other = await get('/v1/orders/o-2-0', await bearer('customer', 'c-1'));
    expect([other.statusCode, codeOf(other)]).toEqual([404, 'order_not_found']);
    expect(other.headers['content-type']).toMatch(/^application\/problem\+json/);
    const admin = await get('/v1/orders/o-2-0', await bearer('admin', 'a-1'));
    expect(admin.json<OrderHistoryDocument>().timeline.map((e) => e.visibility)).toEqual(['public', 'internal']);
    expect((await get('/v1/orders/o-1-05')).statusCode).toBe(401);
    const timeline = await get('/v1/orders/o-1-05/timeline', await bearer('customer', 'c-1'));
    expect(timeline.json()).toEqual({ orderId: 'o-1-05', status: 'confirmed', entries: [body.timeline[0]] });
    expect((await get('/v1/orders/o-2-0/timeline', await bearer('customer', 'c-1'))).statusCode).toBe(404);
  });

  async function walk(url: string, headers: Record<string, string>): Promise<string[]> {
    const ids: string[] = [];
    let cursor: string | null = null;
    for (let pages = 0; pages < 50; pages += 1) {
      const res = await get(`${url}${cursor === null ? '' : `&cursor=${cursor}`}`, headers);
      expect(res.statusCode).toBe(200);
      const page = res.json<{ items: { orderId?: string; id?: string }[]; nextCursor: string | null }>();
      ids.push(...page.items.map((item) => item.id ?? item.orderId ?? '?'));
      cursor = page.nextCursor;
      if (cursor === null) return ids;
    }
    throw new Error('pagination did not end');
  }
  const newestFirst = (docs: readonly OrderHistoryDocument[]) =>
    [...docs].sort((a, b) => (a.placedAt === b.placedAt ? b.orderId.localeCompare(a.orderId) : b.placedAt.localeCompare(a.placedAt)));

  it('pages through a customer’s orders newest first with no duplicate and no gap, ties included', async () => {
    const customer = await bearer('customer', 'c-1');
    for (const limit of [1, 4, 7, 23, 100])
      expect(await walk(`/v1/orders?limit=${limit}`, customer)).toEqual(newestFirst(mine).map((o) => o.orderId));
    const cancelled = await walk('/v1/orders?limit=2&status=cancelled', customer);
    expect(cancelled).toEqual(newestFirst(mine.filter((o) => o.status === 'cancelled')).map((o) => o.orderId));
    const from = mine[10]?.placedAt ?? '';
    const to = mine[20]?.placedAt ?? '';
    const ranged = await walk(`/v1/orders?limit=3&from=${from}&to=${to}`, customer);
    expect(ranged).toEqual(newestFirst(mine.filter((o) => o.placedAt >= from && o.placedAt < to)).map((o) => o.orderId));
    const everyone = await walk('/v1/orders?limit=5', await bearer('admin', 'a-1'));
    expect(everyone).toEqual(newestFirst([...mine, ...theirs]).map((o) => o.orderId));
  });

  it('answers a malformed cursor, token, limit or filter with a 400 problem, never a 500', async () => {
    const customer = await bearer('customer', 'c-1');
    const forged = Buffer.from(JSON.stringify({ at: 'yesterday', id: 'x' })).toString('base64url');
    for (const cursor of ['!!!', 'bm90IGpzb24', forged, 'e30', 'x'.repeat(500)]) {
      const res = await get(`/v1/orders?cursor=${cursor}`, customer);
      expect(res.statusCode, cursor).toBe(400);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    }
    expect(codeOf(await get(`/v1/orders?cursor=${forged}`, customer))).toBe('invalid_cursor');
    expect(codeOf(await get(`/v1/notifications?cursor=e30`, customer))).toBe('invalid_cursor');
    for (const url of [
      '/v1/orders/o-1-05?consistentWith=12',
      '/v1/orders?consistentWith=0000000000000001%2F',
      '/v1/catalog?consistentWith=%00',
      '/v1/orders?limit=0',
      '/v1/orders?limit=abc',
      '/v1/orders?status=lost',
      '/v1/orders?from=2026-13-01',
      '/v1/orders/..%2Fx',
      '/v1/notifications?unread=maybe',
      '/v1/catalog/lower-case',
    ]) {
      const res = await get(url, customer);
      expect([res.statusCode, codeOf(res)], url).toEqual([400, 'validation_failed']);
    }
  });

  it('waits for consistentWith until the processor passes the token, and answers 409 saying how far behind on timeout', async () => {
    const customer = await bearer('customer', 'c-1');
    checkpoints.advance('order-history', positionAt(100));
    const immediate = await get(`/v1/orders/o-1-05?consistentWith=${positionAt(100)}`, customer);
    expect(immediate.statusCode).toBe(200);
    const waiting = get(`/v1/orders/o-1-05?consistentWith=${positionAt(150)}`, customer);
    setTimeout(() => {
      checkpoints.advance('order-history', positionAt(150));
    }, 50);
    expect((await waiting).statusCode).toBe(200);
    const behind = await get(`/v1/orders?consistentWith=${positionAt(999)}`, customer);
    expect(behind.statusCode).toBe(409);
    expect(behind.json()).toMatchObject({
      code: 'read_model_behind',
      processor: 'order-history',
      checkpoint: positionAt(150),
      consistentWith: positionAt(999),
      eventsBehind: 849,
      secondsBehind: 849,
    });
    expect(behind.json<{ detail: string }>().detail).toContain('849 events (849.0 s) behind');
    // Each read model has its own processor: the catalog waits for stock, not for the order history.
    expect((await get(`/v1/catalog?consistentWith=${positionAt(100)}`)).statusCode).toBe(409);
    checkpoints.advance('stock', positionAt(100));
    expect((await get(`/v1/catalog?consistentWith=${positionAt(100)}`)).statusCode).toBe(200);
  });

  it('lists, pages and marks the caller’s notifications', async () => {
    const customer = await bearer('customer', 'c-1');
    const byNewest = [...notes].sort((a, b) =>
      a.createdAt === b.createdAt ? b.id.localeCompare(a.id) : b.createdAt.localeCompare(a.createdAt),
    );
    expect(await walk('/v1/notifications?limit=2&unread=false', customer)).toEqual(byNewest.filter((n) => n.read).map((n) => n.id));
    const unread = byNewest.filter((n) => !n.read).map((n) => n.id);
    expect(await walk('/v1/notifications?limit=4&unread=true', customer)).toEqual(unread);
    const marked = await app.inject({ method: 'POST', url: `/v1/notifications/${unread[0] ?? ''}/read`, headers: customer });
    expect([marked.statusCode, marked.json<Notification>().read]).toEqual([200, true]);
    expect(await walk('/v1/notifications?limit=4&unread=true', customer)).toEqual(unread.slice(1));
    const again = await app.inject({ method: 'POST', url: `/v1/notifications/${unread[0] ?? ''}/read`, headers: customer });
    expect(again.statusCode).toBe(200);
    const others = await app.inject({ method: 'POST', url: '/v1/notifications/n-2-0/read', headers: customer });
    expect([others.statusCode, codeOf(others)]).toEqual([404, 'notification_not_found']);
    expect(await walk('/v1/notifications?limit=50', await bearer('customer', 'c-2'))).toEqual(['n-2-0']);
  });

  it('serves the catalog publicly, in SKU pages, and a missing SKU as 404', async () => {
    const first = await get('/v1/catalog?limit=4');
    const page = first.json<{ items: { sku: string; available: number }[]; nextAfter: string | null }>();
    expect(page.items.map((i) => i.sku)).toEqual(['SKU-1', 'SKU-2', 'SKU-3', 'SKU-4']);
    const rest = (await get(`/v1/catalog?limit=4&after=${page.nextAfter ?? ''}`)).json<typeof page>();
    expect([rest.items.map((i) => i.sku), rest.nextAfter]).toEqual([['SKU-5', 'SKU-6', 'SKU-7'], null]);
    expect((await get('/v1/catalog/SKU-2')).json()).toMatchObject({
      sku: 'SKU-2',
      unitPrice: { amount: 200, currency: 'EUR' },
      available: 8,
    });
    const missing = await get('/v1/catalog/SKU-404');
    expect([missing.statusCode, codeOf(missing)]).toEqual([404, 'sku_not_found']);
  });

  it('streams an order live: its status now, then each projected change within 200 ms, public entries only', async () => {
    const stream = await openSse(`${base}/v1/orders/o-1-07/live`, await bearer('customer', 'c-1'));
    try {
      expect([stream.status, stream.contentType]).toEqual([200, 'text/event-stream; charset=utf-8']);
      // Hijacked by the route, yet with the security headers every reply has.
      expect(stream.headers).toMatchObject({ 'x-content-type-options': 'nosniff', 'x-frame-options': 'SAMEORIGIN' });
      const first = await stream.next();
      expect(first.event).toBe('order');
      expect(JSON.parse(first.data)).toMatchObject({ orderId: 'o-1-07', status: 'confirmed', changes: [{ type: 'OrderPlaced' }] });
      const order = mine[7] ?? orderDocument('o-1-07', 'c-1', 14);
      const at = new Date().toISOString();
      const shipped: OrderHistoryDocument = {
        ...order,
        status: 'shipped',
        updatedAt: at,
        lastPosition: positionAt(501),
        timeline: [
          ...order.timeline,
          { at, type: 'OrderShipped', visibility: 'public', title: 'Shipped', position: positionAt(500) },
          { at, type: 'PaymentCaptured', visibility: 'internal', title: 'Captured', position: positionAt(501) },
        ],
      };
      await orders.upsertMany([shipped]);
      // The clock starts once the document is written (as the projector's write would be), not before the store's
      // round trip: the 200 ms are the stream's, from the checkpoint moving to the client holding the change.
      const written = performance.now();
      checkpoints.advance('order-history', positionAt(501));
      const change = await stream.next();
      expect(change.receivedAt - written).toBeLessThan(200);
      expect(change.id).toBe(positionAt(501));
      expect(JSON.parse(change.data)).toEqual({
        orderId: 'o-1-07',
        status: 'shipped',
        updatedAt: at,
        position: positionAt(501),
        changes: [{ at, type: 'OrderShipped', visibility: 'public', title: 'Shipped', position: positionAt(500) }],
      });
      // A checkpoint that did not change this order pushes nothing.
      checkpoints.advance('order-history', positionAt(502));
      await expect(stream.next(300)).rejects.toThrow(/no event/);
    } finally {
      stream.close();
    }
  });

  it('refuses a live stream of someone else’s order before it starts, and ends open streams when the server closes', async () => {
    const refused = await get('/v1/orders/o-2-0/live', await bearer('customer', 'c-1'));
    expect([refused.statusCode, codeOf(refused)]).toEqual([404, 'order_not_found']);
    const stream = await openSse(`${otherBase}/v1/orders/o-2-1/live`, await bearer('admin', 'a-1'));
    expect(JSON.parse((await stream.next()).data)).toMatchObject({ orderId: 'o-2-1' });
    await other.close();
    await expect(stream.next(1_000)).rejects.toThrow(/ended/);
  });

  it('serves an order from memory until the order-history checkpoint moves, then reads it again', async () => {
    const admin = await bearer('admin', 'a-1');
    const before = (await get('/v1/orders/o-2-3', admin)).json<OrderHistoryDocument>();
    const delivered = { ...before, status: 'delivered' as const, lastPosition: positionAt(900) };
    await orders.upsertMany([delivered]);
    expect((await get('/v1/orders/o-2-3', admin)).json<OrderHistoryDocument>().status).toBe(before.status);
    checkpoints.advance('order-history', positionAt(900));
    expect((await get('/v1/orders/o-2-3', admin)).json<OrderHistoryDocument>().status).toBe('delivered');
    expect((await get(`/v1/orders/o-2-3?consistentWith=${positionAt(900)}`, admin)).statusCode).toBe(200);
  });

  it('stops accepting a remembered token once it has expired', async () => {
    // jose sets `exp` to the whole second of signing plus the lifetime, so a '1s' token may have only a few
    // milliseconds left when the first request runs. '3s' leaves at least two seconds for it; 4.1 s later it has
    // expired whatever the fraction of a second it was signed in.
    const shortLived = { authorization: `Bearer ${await signToken(auth, { sub: 'c-1', role: 'customer' }, '3s')}` };
    expect((await get('/v1/orders/o-1-05', shortLived)).statusCode).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 4_100));
    const expired = await get('/v1/orders/o-1-05', shortLived);
    expect([expired.statusCode, codeOf(expired)]).toEqual([401, 'unauthorized']);
  });

  it('documents every route in OpenAPI, and serves the event catalog', async () => {
    const doc = (await get('/docs/json')).json<{ paths: Record<string, unknown> }>();
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/v1/orders/{id}',
        '/v1/orders',
        '/v1/orders/{id}/timeline',
        '/v1/orders/{id}/live',
        '/v1/catalog',
        '/v1/catalog/{sku}',
        '/v1/notifications',
        '/v1/notifications/{id}/read',
      ]),
    );
    const events = (await get('/docs/events')).json<{ asyncapi: string; channels: Record<string, unknown> }>();
    expect(events.asyncapi).toMatch(/^3\./);
    expect(Object.keys(events.channels).length).toBeGreaterThan(0);
  });
}
