import { isPosition, type Principal } from '@orderflow/platform';
import { OrderParams, type OrderHistoryDocument } from '@orderflow/schemas';
import { z } from 'zod';
import { ConsistentWithParam } from '../consistency.js';
import { visibleTo, type LiveOrderEvent } from '../dto.js';
import { orderFor, problems, whenConsistent, type RouteDeps } from './support.js';

export interface LiveOptions {
  /** A comment line this often keeps proxies and clients from timing the stream out. */
  readonly heartbeatMs: number;
}

/**
 * `GET /v1/orders/:id/live`: server-sent events. The first `order` event is the order as it is; then one per
 * projected change, carrying the status and the timeline entries since the previous event. The event id is the
 * document's position, so a reconnecting client's `Last-Event-ID` resumes without repeating entries.
 */
export function liveRoutes(deps: RouteDeps, options: LiveOptions): void {
  const { app, readModels, processors, live } = deps;

  app.get(
    '/v1/orders/:id/live',
    {
      schema: {
        tags: ['orders'],
        summary: "Server-sent events: the order's status now, then each change as it is projected",
        params: OrderParams,
        querystring: z.strictObject({ consistentWith: ConsistentWithParam }),
        headers: z.object({ 'last-event-id': z.string().max(200).optional() }),
        response: {
          200: z.string().describe('text/event-stream of `order` events (JSON data: orderId, status, updatedAt, position, changes)'),
          ...problems,
        },
      },
    },
    async (request, reply) => {
      const principal = await deps.authenticate(request);
      const orderId = request.params.id;
      await whenConsistent(deps, reply, processors.orders, request.query.consistentWith);
      const resumeFrom = request.headers['last-event-id'];
      let sent: string | undefined = resumeFrom !== undefined && isPosition(resumeFrom) ? resumeFrom : undefined;
      const raw = reply.raw;
      let open = false;
      let early: OrderHistoryDocument | undefined;
      const send = (order: OrderHistoryDocument) => {
        if (!open) {
          // A change projected before the stream opened waits for it.
          if (early === undefined || order.lastPosition > early.lastPosition) early = order;
          return;
        }
        if (sent !== undefined && order.lastPosition <= sent) return;
        raw.write(frame(eventOf(principal, order, sent)));
        sent = order.lastPosition;
      };
      // Watch before the first read, so that a change projected in between is not lost.
      const stop = live.watch(orderId, {
        onChange: send,
        onEnd: () => {
          if (open) raw.end();
        },
      });
      let order: OrderHistoryDocument;
      try {
        order = await orderFor(readModels, principal, orderId);
      } catch (err) {
        stop();
        throw err;
      }
      reply.hijack();
      const heartbeat = setInterval(() => raw.write(': heartbeat\n\n'), options.heartbeatMs);
      const cleanup = () => {
        clearInterval(heartbeat);
        stop();
      };
      raw.once('close', cleanup);
      if (raw.socket === null || raw.socket.destroyed) {
        cleanup();
        return;
      }
      raw.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
      });
      raw.write('retry: 2000\n\n');
      open = true;
      send(order);
      if (early !== undefined) send(early);
    },
  );
}

function eventOf(principal: Principal, order: OrderHistoryDocument, since: string | undefined): LiveOrderEvent {
  const { timeline } = visibleTo(principal, order);
  return {
    orderId: order.orderId,
    status: order.status,
    updatedAt: order.updatedAt,
    position: order.lastPosition,
    changes: since === undefined ? timeline : timeline.filter((entry) => entry.position > since),
  };
}

function frame(event: LiveOrderEvent): string {
  return `id: ${event.position}\nevent: order\ndata: ${JSON.stringify(event)}\n\n`;
}
