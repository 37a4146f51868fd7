import { SpanKind, SpanStatusCode, context, trace, type Context, type Span } from '@opentelemetry/api';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { enterContext, withLogBindings } from '../telemetry/logContext.js';
import { counter, histogram, metricsRegistry } from '../telemetry/metrics.js';
import { collectRuntimeMetrics } from '../telemetry/runtimeMetrics.js';
import { contextFromTraceparent, getTracer } from '../telemetry/tracing.js';

/** Operational routes: no auth, no rate limit, no spans, not counted in the RED metrics. */
export const operationalPaths: ReadonlySet<string> = new Set(['/healthz', '/readyz', '/metrics']);

const requests = counter({
  name: 'orderflow_http_requests_total',
  help: 'HTTP requests answered, by method, route template and status code',
  labelNames: ['method', 'route', 'status'],
});
const duration = histogram({
  name: 'orderflow_http_request_duration_seconds',
  help: 'HTTP request duration from arrival to response, by method, route template and status code',
  labelNames: ['method', 'route', 'status'],
  buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
});

/**
 * The two series of a (method, route, status), looked up once: prom-client otherwise hashes the label set on every
 * `inc` and `observe`. Bounded by routes × methods × statuses (the route is the template, never the URL).
 */
const series = new Map<string, { readonly count: { inc(): void }; readonly time: { observe(value: number): void } }>();

function seriesOf(method: string, route: string, status: number) {
  const key = `${method} ${route} ${status}`;
  let found = series.get(key);
  if (found === undefined) {
    const labels = { method, route, status: String(status) };
    found = { count: requests.labels(labels), time: duration.labels(labels) };
    series.set(key, found);
  }
  return found;
}

interface Traced {
  readonly span: Span;
  readonly context: Context;
}

const traced = new WeakMap<FastifyRequest, Traced>();

function header(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  return typeof value === 'string' ? value : undefined;
}

/**
 * Runs the rest of the request's lifecycle inside its span and its log bindings. When they are active already (a
 * request without a body reaches its handler in the same async context as its `onRequest` hook), nothing is entered
 * again: each `AsyncLocalStorage` run costs every promise created under it.
 */
function enter(request: FastifyRequest, done: () => void): void {
  const found = traced.get(request);
  if (found === undefined || context.active() === found.context) {
    done();
    return;
  }
  enterContext(found.context, done);
}

/**
 * Tracing and RED metrics for every route: a SERVER span per request continuing the caller's W3C `traceparent`,
 * active while the handler runs (so appended events carry it), and `orderflow_http_requests_total` /
 * `orderflow_http_request_duration_seconds` labelled by route template (never the raw URL); `/metrics` from the
 * shared registry.
 */
export function installObservability(app: FastifyInstance): void {
  collectRuntimeMetrics();
  app.addHook('onRequest', (request, _reply, done) => {
    const route = request.routeOptions.url;
    if (route !== undefined && operationalPaths.has(route)) {
      done();
      return;
    }
    const parent = contextFromTraceparent(header(request, 'traceparent'), header(request, 'tracestate'));
    const span = getTracer().startSpan(
      `${request.method} ${route ?? 'unmatched'}`,
      {
        kind: SpanKind.SERVER,
        attributes: {
          'http.request.method': request.method,
          'http.route': route ?? 'unmatched',
          'url.path': request.url.split('?')[0] ?? request.url,
          'orderflow.correlation_id': request.id,
        },
      },
      parent,
    );
    // No child logger per request for the trace ids: the logger's mixin adds the active span's to every line (a
    // child cost 2–3 % of a cached read's CPU, and fastify's "request completed" goes through the reply's logger anyway).
    traced.set(request, { span, context: withLogBindings(trace.setSpan(parent, span), { correlationId: request.id }) });
    enter(request, done);
  });
  // The body is parsed in the socket's async context; re-enter the span before the handler runs.
  app.addHook('preHandler', (request, _reply, done) => {
    enter(request, done);
  });
  app.addHook('onError', (request, _reply, error, done) => {
    traced.get(request)?.span.recordException(error);
    done();
  });
  app.addHook('onResponse', (request, reply, done) => {
    const route = request.routeOptions.url ?? 'unmatched';
    if (operationalPaths.has(route)) {
      done();
      return;
    }
    const { count, time } = seriesOf(request.method, route, reply.statusCode);
    count.inc();
    time.observe(reply.elapsedTime / 1000);
    const found = traced.get(request);
    if (found !== undefined) {
      found.span.setAttribute('http.response.status_code', reply.statusCode);
      if (reply.statusCode >= 500) found.span.setStatus({ code: SpanStatusCode.ERROR });
      found.span.end();
    }
    done();
  });
  app.get('/metrics', { schema: { hide: true }, config: { rateLimit: false } }, async (_request, reply) =>
    reply.type(metricsRegistry.contentType).send(await metricsRegistry.metrics()),
  );
}
