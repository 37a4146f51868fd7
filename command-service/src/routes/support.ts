import { HttpProblem, type EventStore, type HttpApp, type Principal } from '@orderflow/platform';
import { ProblemDetails } from '@orderflow/schemas';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { HandleResult } from '../handling/handleCommand.js';
import type { IdempotencyStore } from '../idempotency/idempotencyStore.js';
import { replyIdempotently, type CommandReply } from '../idempotency/replyIdempotently.js';
import { domainErrorMapper } from '../errors.js';

export interface RouteDeps {
  readonly app: HttpApp;
  readonly store: EventStore;
  readonly idempotency: IdempotencyStore;
}

/** Authenticates, then runs the command under the request's Idempotency-Key. */
export async function command(
  deps: RouteDeps,
  request: FastifyRequest,
  reply: FastifyReply,
  { required = false }: { required?: boolean },
  run: (principal: Principal, commandId: string) => Promise<CommandReply>,
): Promise<void> {
  const principal = await deps.app.authenticate(request);
  // The reply is sent here (raw, so that a replay is byte for byte the same); the handler returns nothing.
  await replyIdempotently(
    request,
    reply,
    { store: deps.idempotency, caller: principal.sub, required, mappers: [domainErrorMapper] },
    (commandId) => run(principal, commandId),
  );
}

/** The problem responses every command route may give (documented in the OpenAPI document). */
export const problems = {
  400: ProblemDetails,
  401: ProblemDetails,
  403: ProblemDetails,
  404: ProblemDetails,
  409: ProblemDetails,
  412: ProblemDetails,
  422: ProblemDetails,
};

/** The handler option for the request's `If-Match`, when it has one. */
export function ifMatch(request: FastifyRequest): { ifMatch?: bigint } {
  const revision = ifMatchOf(request);
  return revision === undefined ? {} : { ifMatch: revision };
}

/** `"3"` → 3n; absent → undefined (the schema has already checked the format). */
export function ifMatchOf(request: FastifyRequest): bigint | undefined {
  const header = request.headers['if-match'];
  return typeof header === 'string' ? BigInt(header.replaceAll('"', '')) : undefined;
}

/** The accepted-command body: revision for If-Match (also the ETag), position as the consistency token. */
export function accepted(
  status: number,
  streamId: string,
  result: HandleResult<unknown>,
  extra: Record<string, unknown> = {},
): CommandReply {
  if (result.revision === undefined || result.position === undefined)
    throw new HttpProblem(404, 'not_found', 'Not found', `${streamId} does not exist`);
  const revision = result.revision.toString();
  return { status, headers: { etag: `"${revision}"` }, body: { streamId, revision, position: result.position, ...extra } };
}

/** Usable as a correlation id (the schemas' Id format), or nothing. */
export function correlationIdOf(request: FastifyRequest): string | undefined {
  return /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$/.test(request.id) ? request.id : undefined;
}
