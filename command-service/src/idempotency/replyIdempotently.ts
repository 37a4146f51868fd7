import { HttpProblem, problemContentType, resolveProblem, toProblemBody, type ErrorMapper } from '@orderflow/platform';
import { randomUUID } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { deterministicUuid } from '../handling/handleCommand.js';
import { requestHash, type IdempotencyStore, type StoredResponse } from './idempotencyStore.js';

export interface CommandReply {
  readonly status: number;
  readonly body: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

export interface IdempotencyOptions {
  readonly store: IdempotencyStore;
  /** The authenticated caller: keys are scoped per caller. */
  readonly caller: string;
  /** `POST /v1/orders` requires a key; other POSTs accept one. */
  readonly required: boolean;
  readonly mappers: readonly ErrorMapper[];
}

const keyPattern = /^[\x21-\x7E]{1,255}$/;

/**
 * Runs a command under the request's `Idempotency-Key` (Stripe's semantics) and sends its reply. Client errors are
 * stored and replayed like successes; a failure on our side frees the key so that a retry runs again.
 * `run` receives a command id stable across retries of the same key.
 */
export async function replyIdempotently(
  request: FastifyRequest,
  reply: FastifyReply,
  options: IdempotencyOptions,
  run: (commandId: string) => Promise<CommandReply>,
): Promise<FastifyReply> {
  const header = request.headers['idempotency-key'];
  const key = Array.isArray(header) ? header[0] : header;
  if (key === undefined) {
    if (options.required)
      throw new HttpProblem(
        400,
        'idempotency_key_required',
        'Idempotency-Key required',
        'Send an Idempotency-Key header (a UUID is fine).',
      );
    return send(reply, toStored(await run(randomUUID())), false);
  }
  if (!keyPattern.test(key))
    throw new HttpProblem(400, 'invalid_idempotency_key', 'Invalid Idempotency-Key', 'At most 255 printable ASCII characters, no spaces.');
  const hash = requestHash(request.method, request.routeOptions.url ?? request.url, { params: request.params, body: request.body });
  const claim = await options.store.claim(options.caller, key, hash);
  switch (claim.kind) {
    case 'replay':
      return send(reply, claim.response, true);
    case 'mismatch':
      throw new HttpProblem(422, 'idempotency_key_reused', 'Idempotency-Key reused', 'This key was used with a different request.');
    case 'in_progress':
      throw new HttpProblem(409, 'idempotency_key_in_use', 'Request in progress', 'A request with this key is still running; retry later.');
    case 'execute':
      break;
  }
  let response: StoredResponse;
  try {
    response = toStored(await run(deterministicUuid(`${options.caller}\n${key}`)));
  } catch (err) {
    const problem = resolveProblem(err, options.mappers);
    if (problem === undefined || problem.status >= 500) {
      await options.store.release(options.caller, key);
      throw err;
    }
    response = {
      status: problem.status,
      contentType: problemContentType,
      headers: {},
      body: JSON.stringify(toProblemBody(problem, request.url)),
    };
  }
  await options.store.complete(options.caller, key, response);
  return send(reply, response, false);
}

function toStored(result: CommandReply): StoredResponse {
  return {
    status: result.status,
    contentType: 'application/json; charset=utf-8',
    headers: { ...result.headers },
    body: JSON.stringify(result.body),
  };
}

function send(reply: FastifyReply, response: StoredResponse, replayed: boolean): FastifyReply {
  return reply
    .status(response.status)
    .headers({ ...response.headers, ...(replayed ? { 'idempotent-replayed': 'true' } : {}) })
    .type(response.contentType)
    .send(response.body);
}
