import { createHttpApp, HttpProblem, loadConfig, toProblemBody, problemContentType, type HttpApp } from '@orderflow/platform';
import { Id, ProblemDetails } from '@orderflow/schemas';
import type { FastifyBaseLogger, FastifyReply, FastifyRequest } from 'fastify';
import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import { requestHash } from '../../idempotency/idempotencyStore.js';
import { AuthorizeBody, DeclineProblem, GatewayApproval, GatewayLedger, IdempotencyHeaders, MoneyMovementBody } from '../gatewayWire.js';
import type { GatewayOperation } from '../paymentGateway.js';
import { createSandboxLedger, type SandboxEffect, type SandboxLedger } from './sandboxLedger.js';
import { behaviourOf, type CardBehaviour } from './testCards.js';

export interface SandboxOptions {
  /** Added to every payment request before it is decided (default 0). */
  readonly latencyMs?: number;
  /** Uniform extra latency in [0, latencyJitterMs) (default 0). */
  readonly latencyJitterMs?: number;
  /** Share of payment requests, 0–1, answered 503 before anything is applied (default 0). */
  readonly failureRate?: number;
  /** Seeds the failure and jitter draws, so that a run can be repeated exactly. */
  readonly seed?: number;
  /** How long `tok_timeout` holds a request before answering 504 (default 30 s). */
  readonly hangMs?: number;
  /** Start "down": every payment request answers 503 until `setDown(false)`. */
  readonly down?: boolean;
  readonly logger?: FastifyBaseLogger | false;
}

/** One request the sandbox answered (replays included), for tests that count attempts. */
export interface SandboxRequest {
  readonly operation: GatewayOperation;
  readonly paymentId: string;
  readonly idempotencyKey: string;
  readonly status: number;
  readonly replayed: boolean;
  /** The W3C trace context the caller sent, if any. */
  readonly traceparent?: string;
  readonly at: string;
}

interface StoredResponse {
  readonly status: number;
  readonly body: unknown;
}

export interface SandboxControls {
  readonly ledger: SandboxLedger;
  isDown(): boolean;
  setDown(down: boolean): void;
  requests(filter?: { paymentId?: string; idempotencyKey?: string }): SandboxRequest[];
}

const requestLogLimit = 200_000;

const paymentProblems = { 400: ProblemDetails, 402: DeclineProblem, 404: ProblemDetails, 409: ProblemDetails, 422: ProblemDetails };
const OperationsQuery = z.strictObject({ paymentId: Id.optional(), idempotencyKey: z.string().max(255).optional() });
const SandboxRequestSchema = z.object({
  operation: z.enum(['authorize', 'capture', 'void', 'refund']),
  paymentId: z.string(),
  idempotencyKey: z.string(),
  status: z.int(),
  replayed: z.boolean(),
  traceparent: z.string().optional(),
  at: z.string(),
});
const SandboxEffectSchema = z.object({
  seq: z.int(),
  operation: z.enum(['authorize', 'capture', 'void', 'refund']),
  paymentId: z.string(),
  reference: z.string(),
  amount: z.object({ amount: z.int(), currency: z.string() }),
  idempotencyKey: z.string(),
  at: z.string(),
});
const Availability = z.strictObject({ down: z.boolean() });

/** mulberry32: a tiny seeded PRNG, enough for reproducible failure injection. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/**
 * The sandbox payment gateway (DESIGN.md §3, :3002): authorize, capture, void and refund against an in-memory
 * ledger, idempotent on the `Idempotency-Key` header (Stripe's semantics: the same key and body replay the first
 * decision with its status; another body under the key is a 422; a key still running is a 409). Test card tokens,
 * latency, a failure rate and an outage switch let tests and benchmarks exercise the client's resilience.
 * Injected failures (5xx, timeouts, outage) apply nothing and store nothing, so a retry with the key can succeed.
 */
export async function buildSandboxApp(options: SandboxOptions = {}): Promise<{ app: HttpApp; controls: SandboxControls }> {
  const { latencyMs = 0, latencyJitterMs = 0, failureRate = 0, hangMs = 30_000 } = options;
  const random = options.seed === undefined ? Math.random : seededRandom(options.seed);
  const ledger = createSandboxLedger();
  const idempotency = new Map<string, { readonly fingerprint: string; response?: StoredResponse }>();
  const cards = new Map<string, CardBehaviour>();
  const attemptedKeys = new Set<string>();
  let requestLog: SandboxRequest[] = [];
  let down = options.down ?? false;
  const closing = new AbortController();

  const app = await createHttpApp({
    title: 'orderflow sandbox payment gateway',
    version: '0.1.0',
    // No caller authenticates to the sandbox; the auth settings only satisfy the shared skeleton.
    auth: loadConfig({}).auth,
    logger: options.logger ?? false,
    rateLimitPerMinute: 10_000_000,
  });
  app.addHook('preClose', () => {
    closing.abort();
  });

  const problem = (request: FastifyRequest, p: HttpProblem): StoredResponse => ({ status: p.status, body: toProblemBody(p, request.url) });

  /** What failure, if any, to inject instead of deciding (nothing is applied then). */
  async function injected(request: FastifyRequest, operation: GatewayOperation, card: CardBehaviour, key: string, signal: AbortSignal) {
    if (card.kind === 'error' || (card.kind === 'capture_error' && operation === 'capture'))
      return problem(request, new HttpProblem(500, 'gateway_error', 'Gateway error', 'The sandbox failed this request on purpose.'));
    if (card.kind === 'timeout' && operation === 'authorize') {
      await sleep(hangMs, undefined, { signal });
      return problem(request, new HttpProblem(504, 'gateway_timeout', 'Gateway timeout', 'The issuer did not answer.'));
    }
    if (card.kind === 'flaky' && !attemptedKeys.has(key)) {
      attemptedKeys.add(key);
      return problem(request, new HttpProblem(503, 'gateway_unavailable', 'Gateway unavailable', 'The first attempt fails on purpose.'));
    }
    if (failureRate > 0 && random() < failureRate)
      return problem(request, new HttpProblem(503, 'gateway_unavailable', 'Gateway unavailable', 'Injected failure (failure rate).'));
    return undefined;
  }

  /** Aborted when the sandbox closes or the client hangs up before its answer was written. */
  function abandonedSignal(reply: FastifyReply): AbortSignal {
    const clientGone = new AbortController();
    reply.raw.once('close', () => {
      if (!reply.raw.writableFinished) clientGone.abort();
    });
    return AbortSignal.any([closing.signal, clientGone.signal]);
  }

  /** Sends the reply itself (raw, so that a replay is the stored response); the route handler returns nothing. */
  async function handle(
    request: FastifyRequest,
    reply: FastifyReply,
    target: { readonly operation: GatewayOperation; readonly paymentId: string; readonly key: string; readonly body: unknown },
    card: CardBehaviour,
    decide: (key: string) => StoredResponse,
  ): Promise<void> {
    const { operation, paymentId, key } = target;
    const send = async (response: StoredResponse, replayed = false): Promise<void> => {
      const { traceparent } = request.headers;
      requestLog.push({
        operation,
        paymentId,
        idempotencyKey: key,
        status: response.status,
        replayed,
        at: new Date().toISOString(),
        ...(typeof traceparent === 'string' ? { traceparent } : {}),
      });
      if (requestLog.length > requestLogLimit) requestLog = requestLog.slice(-requestLogLimit / 2);
      if (replayed) void reply.header('idempotent-replayed', 'true');
      await reply
        .status(response.status)
        .type(response.status >= 400 ? problemContentType : 'application/json')
        .send(response.body);
    };
    if (down) return send(problem(request, new HttpProblem(503, 'gateway_down', 'Gateway down', 'The sandbox is taken down.')));
    const fingerprint = requestHash('POST', operation, target.body);
    const stored = idempotency.get(key);
    if (stored !== undefined) {
      if (stored.fingerprint !== fingerprint)
        return send(
          problem(
            request,
            new HttpProblem(422, 'idempotency_key_reused', 'Idempotency-Key reused', 'This key was used with a different request.'),
          ),
        );
      if (stored.response === undefined)
        return send(
          problem(
            request,
            new HttpProblem(409, 'idempotency_key_in_use', 'Request in progress', 'A request with this key is still running.'),
          ),
        );
      return send(stored.response, true);
    }
    const entry: { fingerprint: string; response?: StoredResponse } = { fingerprint };
    idempotency.set(key, entry);
    const extra = latencyMs + (latencyJitterMs > 0 ? Math.floor(random() * latencyJitterMs) : 0);
    // Waits end early when the sandbox closes or the client hangs up (a client timeout): the key is then released.
    // A request that does not wait (no latency, no hanging card) is answered at once and needs no signal: making one
    // per request was ~1.5 % of the engine's CPU under load.
    const abandoned = extra > 0 || card.kind === 'timeout' ? abandonedSignal(reply) : closing.signal;
    let response: StoredResponse;
    try {
      if (extra > 0) await sleep(extra, undefined, { signal: abandoned });
      const failure = await injected(request, operation, card, key, abandoned);
      if (failure === undefined) {
        response = decide(key);
        entry.response = response;
      } else {
        idempotency.delete(key);
        response = failure;
      }
    } catch (err) {
      idempotency.delete(key);
      if (!abandoned.aborted) throw err;
      const why = closing.signal.aborted ? 'The sandbox is closing.' : 'The client hung up.';
      response = problem(request, new HttpProblem(503, 'request_abandoned', 'Request abandoned', `${why} Nothing was applied.`));
    }
    return send(response);
  }

  /** The decision for an operation: 200 with the approval, or the ledger's 404/409 problem. */
  const decided = (request: FastifyRequest, apply: () => GatewayApproval): StoredResponse => {
    try {
      return { status: 200, body: apply() };
    } catch (err) {
      if (err instanceof HttpProblem) return problem(request, err);
      throw err;
    }
  };

  app.post(
    '/v1/payments/authorize',
    {
      schema: {
        tags: ['payments'],
        summary: 'Authorize an amount on a payment method',
        headers: IdempotencyHeaders,
        body: AuthorizeBody,
        response: { 200: GatewayApproval, ...paymentProblems },
      },
    },
    (request, reply) => {
      const { paymentId, amount, paymentMethodToken } = request.body;
      const card = behaviourOf(paymentMethodToken);
      const target = { operation: 'authorize' as const, paymentId, key: request.headers['idempotency-key'], body: request.body };
      return handle(request, reply, target, card, (key) => {
        if (card.kind === 'decline')
          return problem(
            request,
            new HttpProblem(402, card.reason, 'Payment declined', `The issuer declined the payment (${card.reason}).`, {
              declineReason: card.reason,
            }),
          );
        const response = decided(request, () => ledger.authorize(paymentId, amount, key));
        if (response.status === 200) cards.set(paymentId, card);
        return response;
      });
    },
  );

  for (const operation of ['capture', 'void', 'refund'] as const)
    app.post(
      `/v1/payments/${operation}`,
      {
        schema: {
          tags: ['payments'],
          summary: `${operation[0]?.toUpperCase() ?? ''}${operation.slice(1)} against an authorization`,
          headers: IdempotencyHeaders,
          body: MoneyMovementBody,
          response: { 200: GatewayApproval, ...paymentProblems },
        },
      },
      (request, reply) => {
        const card = cards.get(request.body.paymentId) ?? { kind: 'approve' };
        const target = { operation, paymentId: request.body.paymentId, key: request.headers['idempotency-key'], body: request.body };
        return handle(request, reply, target, card, (key) => decided(request, () => ledger[operation](request.body, key)));
      },
    );

  app.get(
    '/v1/payments/:paymentId',
    {
      schema: {
        tags: ['sandbox'],
        summary: "A payment's amounts and applied effects",
        params: z.strictObject({ paymentId: Id }),
        response: { 200: z.object({ paymentId: Id, ledger: GatewayLedger, effects: z.array(SandboxEffectSchema) }), 404: ProblemDetails },
      },
    },
    (request) => {
      const found = ledger.payment(request.params.paymentId);
      if (found === undefined)
        throw new HttpProblem(404, 'payment_not_found', 'Payment not found', `No payment ${request.params.paymentId}`);
      return { paymentId: request.params.paymentId, ...found, effects: [...found.effects] };
    },
  );

  const controls: SandboxControls = {
    ledger,
    isDown: () => down,
    setDown: (value) => {
      down = value;
    },
    requests: (filter = {}) =>
      requestLog.filter(
        (r) =>
          (filter.paymentId === undefined || r.paymentId === filter.paymentId) &&
          (filter.idempotencyKey === undefined || r.idempotencyKey === filter.idempotencyKey),
      ),
  };

  app.get(
    '/v1/operations',
    {
      schema: {
        tags: ['sandbox'],
        summary: 'Effects applied and requests answered, optionally for one payment or key',
        querystring: OperationsQuery,
        response: {
          200: z.object({ effects: z.array(SandboxEffectSchema), requests: z.array(SandboxRequestSchema) }),
          400: ProblemDetails,
        },
      },
    },
    (request) => {
      const { paymentId, idempotencyKey } = request.query;
      const effects: SandboxEffect[] = paymentId === undefined ? ledger.effects() : [...(ledger.payment(paymentId)?.effects ?? [])];
      return {
        effects: effects.filter((e) => idempotencyKey === undefined || e.idempotencyKey === idempotencyKey),
        requests: controls.requests({
          ...(paymentId === undefined ? {} : { paymentId }),
          ...(idempotencyKey === undefined ? {} : { idempotencyKey }),
        }),
      };
    },
  );

  app.get('/v1/admin/availability', { schema: { tags: ['sandbox'], response: { 200: Availability } } }, () => ({ down }));
  app.put(
    '/v1/admin/availability',
    {
      schema: {
        tags: ['sandbox'],
        summary: 'Take the sandbox down (503 to every payment request) or bring it back',
        body: Availability,
        response: { 200: Availability, 400: ProblemDetails },
      },
    },
    (request) => {
      down = request.body.down;
      request.log.warn({ down }, 'sandbox availability changed');
      return { down };
    },
  );

  return { app, controls };
}
