import { availableStock, type OrderState } from '@orderflow/domain';
import { HttpProblem, requireRole, type Principal } from '@orderflow/platform';
import {
  CancelOrderRequest,
  CommandAcceptedResponse,
  CommandHeaders,
  DeliverOrderRequest,
  OrderParams,
  PlaceOrderHeaders,
  PlaceOrderRequest,
  PlaceOrderResponse,
  RefundOrderRequest,
  ShipOrderRequest,
  type OrderLine,
} from '@orderflow/schemas';
import { actorOf, deciders, execute, load, metadataFor, streams } from '../commands.js';
import { deterministicUuid } from '../handling/handleCommand.js';
import { accepted, command, correlationIdOf, ifMatch, problems, type RouteDeps } from './support.js';

/**
 * How old the catalog entry an order is priced from may be: a price change made by another process reaches orders
 * placed here within this long. Availability checked from it is an early answer only; the reservation decides.
 */
export const catalogStalenessMs = 500;

const notFound = (orderId: string) => new HttpProblem(404, 'order_not_found', 'Not found', `No order ${orderId}`);

export function orderRoutes(deps: RouteDeps): void {
  const { app, store } = deps;

  /** Loads the order for `principal`; someone else's order is as absent as a missing one (nothing revealed). */
  async function orderFor(principal: Principal, orderId: string): Promise<Exclude<OrderState, { status: 'empty' }>> {
    const order = await load(store, streams.order(orderId), deciders.order);
    if (order.status === 'empty' || (principal.role === 'customer' && order.facts.customerId !== principal.sub)) throw notFound(orderId);
    return order;
  }

  app.post(
    '/v1/orders',
    {
      schema: {
        tags: ['orders'],
        summary: 'Place an order',
        headers: PlaceOrderHeaders,
        body: PlaceOrderRequest,
        response: { 201: PlaceOrderResponse, ...problems },
      },
    },
    (request, reply) =>
      command(deps, request, reply, { required: true }, async (principal, commandId) => {
        requireRole(principal, 'customer');
        const { body } = request;
        // Names and prices come from the catalog at placement, never from the client: as this process last saw the SKU,
        // if that was within `catalogStalenessMs` (a drop's SKU is read by every order otherwise), else read afresh.
        const lines: OrderLine[] = [];
        for (const { sku, quantity } of [...body.lines].sort((a, b) => a.sku.localeCompare(b.sku))) {
          const item = await load(store, streams.inventory(sku), deciders.inventory, { maxStalenessMs: catalogStalenessMs });
          if (item.status !== 'registered')
            throw new HttpProblem(422, 'unknown_sku', 'Unknown SKU', `SKU ${sku} is not sold here`, { sku });
          if (item.unitPrice.currency !== body.currency)
            throw new HttpProblem(422, 'currency_mismatch', 'Currency mismatch', `SKU ${sku} is priced in ${item.unitPrice.currency}`, {
              sku,
            });
          // An early answer for the customer; the reservation in the checkout saga stays the authority.
          const available = availableStock(item);
          if (available < quantity)
            throw new HttpProblem(409, 'out_of_stock', 'Out of stock', `Only ${available} of ${sku} available`, { sku, available });
          lines.push({ sku, name: item.name, quantity, unitPrice: item.unitPrice });
        }
        const orderId = deterministicUuid(`order\n${commandId}`);
        const metadata = metadataFor(commandId, actorOf(principal), correlationIdOf(request));
        const data = {
          orderId,
          customerId: principal.sub,
          lines,
          currency: body.currency,
          shippingAddress: body.shippingAddress,
          paymentMethodToken: body.paymentMethodToken,
        };
        const result = await execute(store, streams.order(orderId), deciders.order, { type: 'PlaceOrder', data, metadata });
        const total = { amount: lines.reduce((sum, l) => sum + l.unitPrice.amount * l.quantity, 0), currency: body.currency };
        const reply201 = accepted(201, streams.order(orderId), result, { orderId, status: 'placed', total });
        return { ...reply201, headers: { ...reply201.headers, location: `/v1/orders/${orderId}` } };
      }),
  );

  app.post(
    '/v1/orders/:id/cancel',
    {
      schema: {
        tags: ['orders'],
        summary: 'Cancel an order',
        params: OrderParams,
        headers: CommandHeaders,
        body: CancelOrderRequest,
        response: { 200: CommandAcceptedResponse, ...problems },
      },
    },
    (request, reply) =>
      command(deps, request, reply, {}, async (principal, commandId) => {
        const orderId = request.params.id;
        await orderFor(principal, orderId);
        const reason = request.body.reason ?? (principal.role === 'customer' ? 'customer_request' : 'operator');
        const data = { orderId, reason, ...(request.body.detail === undefined ? {} : { detail: request.body.detail }) };
        const metadata = metadataFor(commandId, actorOf(principal), correlationIdOf(request));
        const result = await execute(
          store,
          streams.order(orderId),
          deciders.order,
          { type: 'CancelOrder', data, metadata },
          ifMatch(request),
        );
        return accepted(200, streams.order(orderId), result);
      }),
  );

  for (const [action, type, schema] of [
    ['ship', 'ShipOrder', ShipOrderRequest],
    ['deliver', 'DeliverOrder', DeliverOrderRequest],
  ] as const)
    app.post(
      `/v1/orders/:id/${action}`,
      {
        schema: {
          tags: ['orders'],
          summary: `${type.replace('Order', '')} an order (admin)`,
          params: OrderParams,
          headers: CommandHeaders,
          body: schema,
          response: { 200: CommandAcceptedResponse, ...problems },
        },
      },
      (request, reply) =>
        command(deps, request, reply, {}, async (principal, commandId) => {
          requireRole(principal, 'admin');
          const orderId = request.params.id;
          await orderFor(principal, orderId);
          const metadata = metadataFor(commandId, actorOf(principal), correlationIdOf(request));
          const cmd = type === 'ShipOrder' ? { type, data: { orderId, ...request.body }, metadata } : { type, data: { orderId }, metadata };
          const result = await execute(store, streams.order(orderId), deciders.order, cmd, ifMatch(request));
          return accepted(200, streams.order(orderId), result);
        }),
    );

  app.post(
    '/v1/orders/:id/refund',
    {
      schema: {
        tags: ['orders'],
        summary: 'Refund an order, fully or partly (admin)',
        params: OrderParams,
        headers: CommandHeaders,
        body: RefundOrderRequest,
        response: { 200: CommandAcceptedResponse, ...problems },
      },
    },
    (request, reply) =>
      command(deps, request, reply, {}, async (principal, commandId) => {
        requireRole(principal, 'admin');
        const orderId = request.params.id;
        await orderFor(principal, orderId);
        // What the payment ledger captured bounds the refund; the Payment decider checks its own ledger again.
        const payment = await load(store, streams.payment(orderId), deciders.payment);
        const captured = { amount: payment.status === 'authorized' ? payment.ledger.captured : 0, currency: request.body.amount.currency };
        const data = {
          orderId,
          refundId: `refund-${commandId}`,
          amount: request.body.amount,
          captured,
          ...(request.body.reason === undefined ? {} : { reason: request.body.reason }),
        };
        const metadata = metadataFor(commandId, actorOf(principal), correlationIdOf(request));
        const result = await execute(
          store,
          streams.order(orderId),
          deciders.order,
          { type: 'RefundOrder', data, metadata },
          ifMatch(request),
        );
        return accepted(200, streams.order(orderId), result);
      }),
  );
}
