import { OrderParams } from '@orderflow/schemas';
import { z } from 'zod';
import { ConsistentWithParam } from '../consistency.js';
import { CursorParam, decodeCursor, toPage } from '../cursor.js';
import { OrderListQuery, OrderPage, OrderView, renderOrder, summaryOf, TimelineView, visibleTo } from '../dto.js';
import { orderFor, problems, whenConsistent, type RouteDeps } from './support.js';

const ReadQuery = z.strictObject({ consistentWith: ConsistentWithParam });

export function orderRoutes(deps: RouteDeps): void {
  const { app, readModels, processors } = deps;

  app.get(
    '/v1/orders/:id',
    {
      schema: {
        tags: ['orders'],
        summary: 'An order: lines, totals, status, payment, timeline (customers: their own, public entries)',
        params: OrderParams,
        querystring: ReadQuery,
        response: { 200: OrderView, ...problems },
      },
    },
    async (request, reply) => {
      const principal = await deps.authenticate(request);
      await whenConsistent(deps, reply, processors.orders, request.query.consistentWith);
      const order = await orderFor(readModels, principal, request.params.id);
      // Validated against the 200 schema and serialised once per document version; fastify sends strings as they are.
      return reply.type('application/json; charset=utf-8').send(renderOrder(principal, order) as never);
    },
  );

  app.get(
    '/v1/orders/:id/timeline',
    {
      schema: {
        tags: ['orders'],
        summary: "An order's timeline, oldest first (customers: public entries only)",
        params: OrderParams,
        querystring: ReadQuery,
        response: { 200: TimelineView, ...problems },
      },
    },
    async (request, reply) => {
      const principal = await deps.authenticate(request);
      await whenConsistent(deps, reply, processors.orders, request.query.consistentWith);
      const order = visibleTo(principal, await orderFor(readModels, principal, request.params.id));
      return { orderId: order.orderId, status: order.status, entries: order.timeline };
    },
  );

  app.get(
    '/v1/orders',
    {
      schema: {
        tags: ['orders'],
        summary: 'Orders, newest first, in pages (customers: their own; admins: all)',
        querystring: OrderListQuery.extend({ cursor: CursorParam.optional(), consistentWith: ConsistentWithParam }),
        response: { 200: OrderPage, ...problems },
      },
    },
    async (request, reply) => {
      const principal = await deps.authenticate(request);
      const { status, from, to, limit, cursor, consistentWith } = request.query;
      const after = cursor === undefined ? undefined : decodeCursor(cursor);
      await whenConsistent(deps, reply, processors.orders, consistentWith);
      const filter = {
        ...(principal.role === 'customer' ? { customerId: principal.sub } : {}),
        ...(status === undefined ? {} : { status }),
        ...(from === undefined ? {} : { from }),
        ...(to === undefined ? {} : { to }),
      };
      const fetched = await readModels.listOrders(filter, after && { placedAt: after.at, orderId: after.id }, limit + 1);
      const { items, nextCursor } = toPage(fetched, limit, (o) => ({ at: o.placedAt, id: o.orderId }));
      return { items: items.map(summaryOf), nextCursor };
    },
  );
}
