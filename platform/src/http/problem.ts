import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { ConcurrencyError, EventIdReusedError, EventStoreValidationError, StreamDeletedError } from '../eventStore/errors.js';

/** RFC 9457 problem details, with a stable machine-readable `code` and optional extension members. */
export interface ProblemBody {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly code: string;
  readonly detail?: string;
  readonly instance?: string;
  readonly errors?: readonly { readonly path: string; readonly message: string }[];
  readonly [extension: string]: unknown;
}

/** Throw from a handler (or map a domain error to it) to answer with a problem body. */
export class HttpProblem extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly title: string,
    detail?: string,
    readonly extensions: Readonly<Record<string, unknown>> = {},
  ) {
    super(detail ?? title);
    this.name = 'HttpProblem';
  }

  get detail(): string | undefined {
    return this.message === this.title ? undefined : this.message;
  }
}

/** Turns an error the service knows (a domain error) into a problem; `undefined` passes it on. */
export type ErrorMapper = (error: unknown) => HttpProblem | undefined;

export const problemContentType = 'application/problem+json';

/** Maps the event store's typed errors; services add their domain's mappers in front. */
export const eventStoreErrorMapper: ErrorMapper = (error) => {
  if (error instanceof ConcurrencyError)
    return new HttpProblem(409, error.code, 'Concurrent modification', 'The resource changed meanwhile; reload and retry.', {
      expected: String(error.expected),
      actual: error.actual === undefined ? null : String(error.actual),
    });
  if (error instanceof EventIdReusedError) return new HttpProblem(409, error.code, 'Event id reused', error.message);
  if (error instanceof StreamDeletedError) return new HttpProblem(410, error.code, 'Gone', 'The resource was deleted.');
  if (error instanceof EventStoreValidationError)
    return new HttpProblem(400, 'validation_failed', 'Invalid request', error.message, {
      errors: [{ path: error.field, message: error.message }],
    });
  return undefined;
};

/** Fastify's own client errors (bad JSON, body too large, wrong media type, rate limit) keep their status. */
function fastifyClientProblem(error: FastifyError): HttpProblem | undefined {
  const status = error.statusCode;
  if (status === undefined || status < 400 || status >= 500) return undefined;
  const code = (error.code || 'bad_request').replace(/^FST_ERR_/, '').toLowerCase();
  const titles: Record<number, string> = {
    400: 'Bad request',
    413: 'Payload too large',
    415: 'Unsupported media type',
    429: 'Too many requests',
  };
  return new HttpProblem(status, code, titles[status] ?? 'Client error', error.message);
}

export function toProblemBody(problem: HttpProblem, instance?: string): ProblemBody {
  return {
    type: `https://orderflow.dev/problems/${problem.code.replaceAll('_', '-')}`,
    title: problem.title,
    status: problem.status,
    code: problem.code,
    ...(problem.detail === undefined ? {} : { detail: problem.detail }),
    ...(instance === undefined ? {} : { instance }),
    ...problem.extensions,
  };
}

/** The problem an error stands for, or `undefined` when it is unexpected (a 500). */
export function resolveProblem(error: unknown, mappers: readonly ErrorMapper[] = [eventStoreErrorMapper]): HttpProblem | undefined {
  if (hasZodFastifySchemaValidationErrors(error)) {
    const errors = error.validation.map((v) => ({
      path: `${error.validationContext ?? 'body'}${v.instancePath.replaceAll('/', '.')}`,
      message: v.message ?? 'invalid',
    }));
    return new HttpProblem(400, 'validation_failed', 'Invalid request', `${errors.length} invalid field(s)`, { errors });
  }
  if (error instanceof HttpProblem) return error;
  const mapped = mappers.reduce<HttpProblem | undefined>((found, map) => found ?? map(error), undefined);
  return mapped ?? (isFastifyError(error) ? fastifyClientProblem(error) : undefined);
}

function isFastifyError(error: unknown): error is FastifyError {
  return error instanceof Error && 'statusCode' in error;
}

/**
 * One error handler per service (STYLE.md): validation errors name each field, known errors keep their status and
 * code, anything else is a 500 that says nothing of the internals (and is logged with its stack).
 */
export function installProblemHandler(app: FastifyInstance, mappers: readonly ErrorMapper[] = []): void {
  const all = [...mappers, eventStoreErrorMapper];
  app.setErrorHandler((error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    let problem = resolveProblem(error, all);
    if (problem === undefined) {
      request.log.error({ err: error }, 'unhandled error');
      problem = new HttpProblem(500, 'internal_error', 'Internal server error', 'Something went wrong on our side; it has been logged.');
    } else if (problem.status >= 500) request.log.error({ err: error }, problem.code);
    return reply.status(problem.status).type(problemContentType).send(toProblemBody(problem, request.url));
  });
  app.setNotFoundHandler((request, reply) =>
    reply
      .status(404)
      .type(problemContentType)
      .send(toProblemBody(new HttpProblem(404, 'not_found', 'Not found', `No route ${request.method} ${request.url}`), request.url)),
  );
}
