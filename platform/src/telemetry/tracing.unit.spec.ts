import { SpanStatusCode, trace } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createHttpApp, type HttpApp } from '../http/createHttpApp.js';
import { loadConfig } from '../config.js';
import { createLogger } from '../logger.js';
import { withLogContext } from './logContext.js';
import {
  currentTraceparent,
  initTelemetry,
  initTelemetryFromConfig,
  traceHeaders,
  traceMetadata,
  withSpan,
  withSpanFromTraceparent,
  withSpansFromEvents,
  type Telemetry,
} from './tracing.js';

const auth = { secret: 'a-development-secret-of-at-least-32-bytes', issuer: 'orderflow-test', audience: 'orderflow-api' };
const traceparentFormat = /^00-([0-9a-f]{32})-([0-9a-f]{16})-01$/;

/** Collects what pino writes, one parsed object per line. */
function captureLogs() {
  const lines: Record<string, unknown>[] = [];
  const raw: string[] = [];
  const destination = {
    write: (line: string) => {
      raw.push(line);
      lines.push(JSON.parse(line) as Record<string, unknown>);
    },
  };
  return { lines, raw, logger: createLogger('test-service', 'info', { format: 'json', destination }) };
}

describe('tracing through HTTP requests, event metadata and logs', () => {
  const exporter = new InMemorySpanExporter();
  const logs = captureLogs();
  let telemetry: Telemetry;
  let app: HttpApp;
  let baseUrl: string;

  beforeAll(async () => {
    telemetry = initTelemetry({ serviceName: 'test', exporter: 'none', spanProcessors: [new SimpleSpanProcessor(exporter)] });
    app = await createHttpApp({ title: 't', version: '0', auth, logger: logs.logger });
    // Stands for a command route: the metadata it would append is the active trace context.
    app.post('/v1/commands', { schema: { body: z.object({ orderId: z.string() }) } }, async (request) => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      request.log.info({ orderId: request.body.orderId }, 'command handled');
      return { metadata: traceMetadata() };
    });
    baseUrl = await app.listen({ host: '127.0.0.1', port: 0 });
  });
  afterAll(async () => {
    await app.close();
    await telemetry.shutdown();
  });
  afterEach(() => {
    exporter.reset();
    logs.lines.length = 0;
    logs.raw.length = 0;
  });

  const spanNamed = (name: string): ReadableSpan => {
    const found = exporter.getFinishedSpans().find((s) => s.name === name);
    if (found === undefined)
      throw new Error(
        `no span ${name} in ${exporter
          .getFinishedSpans()
          .map((s) => s.name)
          .join(', ')}`,
      );
    return found;
  };

  it('links the HTTP command span and a saga step continued from the appended event traceparent into one trace', async () => {
    const res = await fetch(`${baseUrl}/v1/commands`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ orderId: 'o-1' }),
    });
    const { metadata } = (await res.json()) as { metadata: { traceparent?: string } };
    expect(metadata.traceparent).toMatch(traceparentFormat);

    // Later, elsewhere (the saga worker reading the event): a span continued from the event's traceparent.
    const sagaTraceparent = await withSpanFromTraceparent('saga OrderPlaced', metadata.traceparent, () => currentTraceparent());
    const http = spanNamed('POST /v1/commands');
    const saga = spanNamed('saga OrderPlaced');
    expect(saga.spanContext().traceId).toBe(http.spanContext().traceId);
    expect(saga.parentSpanContext?.spanId).toBe(http.spanContext().spanId);
    expect(http.attributes['http.response.status_code']).toBe(200);
    // Commands the saga issues inside the step carry the step's own context onwards.
    expect(sagaTraceparent).toBe(`00-${saga.spanContext().traceId}-${saga.spanContext().spanId}-01`);
  });

  it("continues the caller's traceparent header, and puts trace_id, span_id and correlationId on request log lines", async () => {
    const caller = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
    const res = await fetch(`${baseUrl}/v1/commands`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', traceparent: caller, 'x-request-id': 'corr-42' },
      body: JSON.stringify({ orderId: 'o-2' }),
    });
    expect(res.status).toBe(200);
    const http = spanNamed('POST /v1/commands');
    expect(http.spanContext().traceId).toBe('0af7651916cd43dd8448eb211c80319c');
    expect(http.parentSpanContext?.spanId).toBe('b7ad6b7169203331');
    const completed = logs.lines.find((l) => l.msg === 'request completed' && l.correlationId === 'corr-42');
    expect(completed).toMatchObject({ trace_id: '0af7651916cd43dd8448eb211c80319c', span_id: http.spanContext().spanId });
    // Each field once, though both the request logger and the mixin know it.
    for (const text of logs.raw.filter((l) => l.includes('corr-42')))
      for (const key of ['correlationId', 'trace_id', 'span_id'])
        expect(text.split(`"${key}":`).length - 1, `${key} in ${text}`).toBeLessThanOrEqual(1);
    const line = logs.lines.find((l) => l.msg === 'command handled');
    expect(line).toMatchObject({
      service: 'test-service',
      trace_id: '0af7651916cd43dd8448eb211c80319c',
      span_id: http.spanContext().spanId,
      correlationId: 'corr-42',
      orderId: 'o-2',
    });
  });

  it('binds correlationId and orderId to every line written inside withLogContext, and no trace ids outside a span', async () => {
    await withLogContext({ correlationId: 'c-9', orderId: 'o-9' }, () =>
      withSpan('projection update', () => {
        logs.logger.info('applied');
      }),
    );
    logs.logger.info('idle');
    const projection = spanNamed('projection update');
    expect(logs.lines[0]).toMatchObject({
      msg: 'applied',
      correlationId: 'c-9',
      orderId: 'o-9',
      trace_id: projection.spanContext().traceId,
      span_id: projection.spanContext().spanId,
    });
    expect(logs.lines[1]?.msg).toBe('idle');
    expect(logs.lines[1]).not.toHaveProperty('trace_id');
    expect(logs.lines[1]).not.toHaveProperty('correlationId');
  });

  it("keeps the log bindings in a span continuing an event's trace, and a malformed traceparent there starts a new trace", async () => {
    const event = '00-cccccccccccccccccccccccccccccccc-3333333333333333-01';
    await withLogContext({ correlationId: 'c-7', orderId: 'o-7' }, () =>
      withSpan('saga batch', () =>
        Promise.all([
          withSpanFromTraceparent('saga step', event, () => {
            withLogContext({ step: 'reserve' }, () => {
              logs.logger.info('stepped');
            });
          }),
          withSpanFromTraceparent('saga garbage', 'not-a-traceparent', () => undefined),
        ]),
      ),
    );
    const step = spanNamed('saga step');
    expect(step.parentSpanContext?.spanId).toBe('3333333333333333');
    expect(logs.lines.find((l) => l.msg === 'stepped')).toMatchObject({
      correlationId: 'c-7',
      orderId: 'o-7',
      step: 'reserve',
      trace_id: 'c'.repeat(32),
      span_id: step.spanContext().spanId,
    });
    expect(spanNamed('saga garbage').parentSpanContext).toBeUndefined();
  });

  it('records a failure on the span and rethrows it; outgoing headers carry the active span', async () => {
    let headers: Record<string, string> = {};
    await expect(
      withSpan('gateway authorize', () => {
        headers = traceHeaders();
        throw new Error('declined by the bank');
      }),
    ).rejects.toThrow('declined by the bank');
    const gateway = spanNamed('gateway authorize');
    expect(gateway.status).toMatchObject({ code: 2, message: 'declined by the bank' });
    expect(gateway.events.map((e) => e.name)).toContain('exception');
    expect(headers.traceparent).toBe(`00-${gateway.spanContext().traceId}-${gateway.spanContext().spanId}-01`);
    expect(trace.getActiveSpan()).toBeUndefined();
  });

  it("gives a processor's batch a span in the trace of each event it applied, failed when the batch failed", async () => {
    const a = '00-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa-1111111111111111-01';
    const b = '00-bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb-2222222222222222-01';
    const events = [
      { type: 'OrderPlaced', metadata: { traceparent: a } },
      { type: 'StockReserved', metadata: { traceparent: b } },
      { type: 'OrderConfirmed', metadata: { traceparent: a } },
      { type: 'SkuRegistered', metadata: {} },
    ];
    const inside = await withSpansFromEvents('project order-history', events, () => currentTraceparent());
    const spans = exporter.getFinishedSpans().filter((s) => s.name === 'project order-history');
    expect(spans.map((s) => s.parentSpanContext?.spanId ?? null).sort()).toEqual(['1111111111111111', '2222222222222222', null]);
    const first = spans.find((s) => s.spanContext().traceId === 'a'.repeat(32));
    expect(first?.attributes['orderflow.event_types']).toEqual(['OrderPlaced', 'OrderConfirmed']);
    expect(inside).toBe(`00-${'a'.repeat(32)}-${first?.spanContext().spanId}-01`);

    exporter.reset();
    await expect(withSpansFromEvents('project stock', events, () => Promise.reject(new Error('poison')))).rejects.toThrow('poison');
    const failed = exporter.getFinishedSpans();
    expect(failed).toHaveLength(3);
    expect(failed.every((s) => s.status.code === SpanStatusCode.ERROR)).toBe(true);
  });

  it('treats a missing or malformed traceparent as the start of a new trace', async () => {
    await withSpanFromTraceparent('from garbage', 'not-a-traceparent', () => undefined);
    await withSpanFromTraceparent('from nothing', undefined, () => undefined);
    for (const name of ['from garbage', 'from nothing']) {
      const span = spanNamed(name);
      expect(span.parentSpanContext, name).toBeUndefined();
      expect(span.spanContext().traceId, name).toMatch(/^[0-9a-f]{32}$/);
    }
  });
});

describe('telemetry configuration', () => {
  it('is off-by-export by default, takes otlp with an endpoint, and names a bad exporter or URL', () => {
    const defaults = loadConfig({});
    expect([defaults.OTEL_TRACES_EXPORTER, defaults.OTEL_EXPORTER_OTLP_ENDPOINT, defaults.LOG_FORMAT]).toEqual(['none', undefined, 'auto']);
    const otlp = loadConfig({ OTEL_TRACES_EXPORTER: 'otlp', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://jaeger:4318', OTEL_SERVICE_NAME: 'x' });
    expect([otlp.OTEL_TRACES_EXPORTER, otlp.OTEL_EXPORTER_OTLP_ENDPOINT, otlp.OTEL_SERVICE_NAME]).toEqual([
      'otlp',
      'http://jaeger:4318',
      'x',
    ]);
    expect(() => loadConfig({ OTEL_TRACES_EXPORTER: 'zipkin', OTEL_EXPORTER_OTLP_ENDPOINT: 'jaeger' })).toThrow(
      /OTEL_TRACES_EXPORTER[\s\S]*OTEL_EXPORTER_OTLP_ENDPOINT/,
    );
  });

  it('registers once per process: a second init (another service in the embedded process) shares the first', async () => {
    const first = initTelemetryFromConfig(loadConfig({}), 'one');
    const second = initTelemetryFromConfig(loadConfig({ OTEL_TRACES_EXPORTER: 'console' }), 'two');
    expect(second).toBe(first);
    await first.shutdown();
    const third = initTelemetryFromConfig(loadConfig({}), 'three');
    expect(third).not.toBe(first);
    await third.shutdown();
  });

  it('without an exporter, spans are not recorded but keep their ids: the trace still reaches event metadata and logs', async () => {
    const telemetry = initTelemetry({ serviceName: 'unread', exporter: 'none' });
    try {
      const seen = await withSpanFromTraceparent('step', '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01', (span) => ({
        recording: span.isRecording(),
        context: span.spanContext(),
        traceparent: currentTraceparent(),
      }));
      expect(seen.recording).toBe(false);
      expect(seen.context.traceId).toBe('0af7651916cd43dd8448eb211c80319c');
      expect(seen.context.spanId).toMatch(/^[0-9a-f]{16}$/);
      expect(seen.context.spanId).not.toBe('b7ad6b7169203331');
      expect(seen.traceparent).toBe(`00-0af7651916cd43dd8448eb211c80319c-${seen.context.spanId}-00`);
      // A processor that joins later (a test's in-memory exporter) is given recorded spans from then on.
      const exporter = new InMemorySpanExporter();
      initTelemetry({ serviceName: 'reader', exporter: 'none', spanProcessors: [new SimpleSpanProcessor(exporter)] });
      await withSpan('read', (span) => {
        expect(span.isRecording()).toBe(true);
      });
      expect(exporter.getFinishedSpans().map((s) => s.name)).toEqual(['read']);
    } finally {
      await telemetry.shutdown();
    }
  });
});
