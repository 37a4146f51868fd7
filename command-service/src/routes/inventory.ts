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

  app.post(
    '/v1/inventory/:sku/receive',
    {
      schema: {
        tags: ['inventory'],
        summary: 'Receive stock',
        params: SkuParams,
        headers: CommandHeaders,
        body: ReceiveStockRequest,
        response: { 200: CommandAcceptedResponse, ...problems },
      },
    },
    (request, reply) =>
      command(deps, request, reply, {}, async (principal, commandId) => {
        requireRole(principal, 'admin');
        const { sku } = request.params;
        const metadata = metadataFor(commandId, actorOf(principal), correlationIdOf(request));
        const data = { sku, quantity: request.body.quantity };
        const result = await execute(
          store,
          streams.inventory(sku),
          deciders.inventory,
          { type: 'ReceiveStock', data, metadata },
          ifMatch(request),
        );
        return accepted(200, streams.inventory(sku), result);
      }),
  );

  app.post(
    '/v1/inventory/:sku/adjust',
    {
      schema: {
        tags: ['inventory'],
        summary: 'Adjust stock (never below reserved)',
        params: SkuParams,
        headers: CommandHeaders,
        body: AdjustStockRequest,
        response: { 200: CommandAcceptedResponse, ...problems },
      },
    },
    (request, reply) =>
      command(deps, request, reply, {}, async (principal, commandId) => {
        requireRole(principal, 'admin');
        const { sku } = request.params;
        const metadata = metadataFor(commandId, actorOf(principal), correlationIdOf(request));
        const data = { sku, ...request.body };
        const result = await execute(
          store,
          streams.inventory(sku),
          deciders.inventory,
          { type: 'AdjustStock', data, metadata },
          ifMatch(request),
        );
        return accepted(200, streams.inventory(sku), result);
      }),
  );

  app.patch(
    '/v1/inventory/:sku',
    {
      schema: {
        tags: ['inventory'],
        summary: 'Change price or limits',
        params: SkuParams,
        headers: CommandHeaders,
        body: ChangeSkuRequest,
        response: { 200: CommandAcceptedResponse, ...problems },
      },
    },
    (request, reply) =>
      command(deps, request, reply, {}, async (principal, commandId) => {
        requireRole(principal, 'admin');
        const { sku } = request.params;
        const metadata = metadataFor(commandId, actorOf(principal), correlationIdOf(request));
        const data = { sku, ...request.body };
        const result = await execute(
          store,
          streams.inventory(sku),
          deciders.inventory,
          { type: 'ChangeSku', data, metadata },
          ifMatch(request),
        );
        return accepted(200, streams.inventory(sku), result);
      }),
  );
}
