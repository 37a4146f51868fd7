import { HttpProblem, type HttpApp, type Principal } from '@orderflow/platform';
import { ProblemDetails, type OrderHistoryDocument } from '@orderflow/schemas';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AwaitConsistency, ProcessorNames } from '../consistency.js';
import type { LiveHub } from '../live/liveHub.js';
import type { ReadModels } from '../readModels.js';

export interface RouteDeps {
  readonly app: HttpApp;
  /** `app.authenticate` (verified tokens are remembered for a minute, see platform's `createTokenVerifier`). */
  readonly authenticate: (request: FastifyRequest) => Promise<Principal>;
  readonly readModels: ReadModels;
  readonly awaitConsistency: AwaitConsistency;
  readonly processors: ProcessorNames;
  readonly live: LiveHub;
}

/** The problem responses every read route may give (documented in the OpenAPI document). */
export const problems = {
  400: ProblemDetails,
  401: ProblemDetails,
  403: ProblemDetails,
  404: ProblemDetails,
  409: ProblemDetails.describe('`read_model_behind`: the read model had not passed `consistentWith` in time'),
};

export const orderNotFound = (orderId: string) => new HttpProblem(404, 'order_not_found', 'Not found', `No order ${orderId}`);

/** The order if `principal` may see it; someone else's order is as absent as a missing one (nothing revealed). */
export async function orderFor(readModels: ReadModels, principal: Principal, orderId: string): Promise<OrderHistoryDocument> {
  const order = await readModels.getOrder(orderId);
  if (order === undefined || (principal.role === 'customer' && order.customerId !== principal.sub)) throw orderNotFound(orderId);
  return order;
}

/** Waits for read-your-writes on `processor`, given up when the client goes away. */
export async function whenConsistent(deps: RouteDeps, reply: FastifyReply, processor: string, token: string | undefined): Promise<void> {
  if (token === undefined) return;
  const controller = new AbortController();
  // The response's close before it was sent is the client leaving (the request's close fires once its body is read).
  const abort = () => {
    controller.abort();
  };
  reply.raw.once('close', abort);
  try {
    await deps.awaitConsistency(processor, token, controller.signal);
  } finally {
    reply.raw.off('close', abort);
  }
}
