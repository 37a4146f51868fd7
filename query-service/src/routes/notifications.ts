import { HttpProblem } from '@orderflow/platform';
import { Id, Notification } from '@orderflow/schemas';
import { z } from 'zod';
import { ConsistentWithParam } from '../consistency.js';
import { CursorParam, decodeCursor, toPage } from '../cursor.js';
import { NotificationPage } from '../dto.js';
import { problems, whenConsistent, type RouteDeps } from './support.js';

/** The caller's notifications (any role: they are addressed to the token's subject). */
export function notificationRoutes(deps: RouteDeps): void {
  const { app, readModels, processors } = deps;

  app.get(
    '/v1/notifications',
    {
      schema: {
        tags: ['notifications'],
        summary: "The caller's notifications, newest first, in pages",
        querystring: z.strictObject({
          unread: z
            .enum(['true', 'false'])
            .transform((v) => v === 'true')
            .optional()
            .describe('true: only unread ones; false: only read ones; absent: all'),
          limit: z.coerce.number().int().min(1).max(100).default(20),
          cursor: CursorParam.optional(),
          consistentWith: ConsistentWithParam,
        }),
        response: { 200: NotificationPage, ...problems },
      },
    },
    async (request, reply) => {
      const principal = await deps.authenticate(request);
      const { unread, limit, cursor, consistentWith } = request.query;
      const after = cursor === undefined ? undefined : decodeCursor(cursor);
      await whenConsistent(deps, reply, processors.notifications, consistentWith);
      const fetched = await readModels.listNotifications(principal.sub, {
        limit: limit + 1,
        ...(unread === undefined ? {} : { unread }),
        ...(after === undefined ? {} : { after: { createdAt: after.at, id: after.id } }),
      });
      return toPage(fetched, limit, (n) => ({ at: n.createdAt, id: n.id }));
    },
  );

  app.post(
    '/v1/notifications/:id/read',
    {
      schema: {
        tags: ['notifications'],
        summary: 'Mark one of the caller’s notifications read (repeatable)',
        params: z.strictObject({ id: Id }),
        response: { 200: Notification, ...problems },
      },
    },
    async (request) => {
      const principal = await deps.authenticate(request);
      const marked = await readModels.markNotificationRead(principal.sub, request.params.id);
      if (marked === undefined) throw new HttpProblem(404, 'notification_not_found', 'Not found', `No notification ${request.params.id}`);
      return marked;
    },
  );
}
