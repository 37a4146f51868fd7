import { requireRole } from '@orderflow/platform';
import {
  AdjustStockRequest,
  ChangeSkuRequest,
  CommandAcceptedResponse,
  CommandHeaders,
  ReceiveStockRequest,
  RegisterSkuRequest,
  RegisterSkuResponse,
  SkuParams,
  type InventoryItemCommand,
} from '@orderflow/schemas';
import { actorOf, deciders, execute, metadataFor, streams } from '../commands.js';
import { accepted, command, correlationIdOf, ifMatch, problems, type RouteDeps } from './support.js';

/** Catalog and stock (admin only). Reservations are the checkout saga's, through the same handlers, not HTTP. */
export function inventoryRoutes(deps: RouteDeps): void {
  const { app, store } = deps;
  app.post(
    '/v1/inventory',
    {
      schema: {
        tags: ['inventory'],
        summary: 'Register a SKU',
        headers: CommandHeaders,
        body: RegisterSkuRequest,
        response: { 201: RegisterSkuResponse, ...problems },
      },
    },
    (request, reply) =>
      command(deps, request, reply, {}, async (principal, commandId) => {
        requireRole(principal, 'admin');
        const streamId = streams.inventory(request.body.sku);
        const metadata = metadataFor(commandId, actorOf(principal), correlationIdOf(request));
        const result = await execute(store, streamId, deciders.inventory, { type: 'RegisterSku', data: request.body, metadata });
        return accepted(201, streamId, result, { sku: request.body.sku });
      }),
  );

  // Stock and catalog changes on an existing SKU: one shape, one command each.
  const changes = [
    { method: 'POST', url: '/v1/inventory/:sku/receive', type: 'ReceiveStock', body: ReceiveStockRequest, summary: 'Receive stock' },
    {
      method: 'POST',
      url: '/v1/inventory/:sku/adjust',
      type: 'AdjustStock',
      body: AdjustStockRequest,
      summary: 'Adjust stock (never below reserved)',
    },
    { method: 'PATCH', url: '/v1/inventory/:sku', type: 'ChangeSku', body: ChangeSkuRequest, summary: 'Change price or limits' },
  ] as const;
  for (const change of changes)
    app.route({
      method: change.method,
      url: change.url,
      schema: {
        tags: ['inventory'],
        summary: change.summary,
        params: SkuParams,
        headers: CommandHeaders,
        body: change.body,
        response: { 200: CommandAcceptedResponse, ...problems },
      },
      handler: (request, reply) =>
        command(deps, request, reply, {}, async (principal, commandId) => {
          requireRole(principal, 'admin');
          const { sku } = request.params;
          const metadata = metadataFor(commandId, actorOf(principal), correlationIdOf(request));
          // Each body is its command's data without the SKU, which comes from the path.
          const cmd = { type: change.type, data: { sku, ...request.body }, metadata } as InventoryItemCommand;
          const result = await execute(store, streams.inventory(sku), deciders.inventory, cmd, ifMatch(request));
          return accepted(200, streams.inventory(sku), result);
        }),
    });
}
