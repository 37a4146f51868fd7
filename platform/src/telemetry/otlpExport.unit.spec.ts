import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initTelemetry, withSpan, withSpanFromTraceparent, type Telemetry } from './tracing.js';

interface ExportRequest {
  resourceSpans: {
    resource: { attributes: { key: string; value: { stringValue?: string } }[] };
    scopeSpans: { spans: { traceId: string; spanId: string; parentSpanId?: string; name: string }[] }[];
  }[];
}

/** An OTLP/HTTP receiver in the test process: what the exporter really sends, over a real socket. */
describe('export over OTLP/HTTP', () => {
  const received: { path: string; contentType: string; body: ExportRequest }[] = [];
  let server: Server;
  let telemetry: Telemetry;

  beforeAll(async () => {
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        received.push({
          path: req.url ?? '',
          contentType: req.headers['content-type'] ?? '',
          body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as ExportRequest,
        });
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    telemetry = initTelemetry({ serviceName: 'otlp-test', exporter: 'otlp', otlpEndpoint: `http://127.0.0.1:${port}/` });
  });
  afterAll(async () => {
    await telemetry.shutdown();
    await new Promise((resolve) => server.close(resolve));
  });

  it('sends the spans of one trace, named by service, to <endpoint>/v1/traces', async () => {
    let traceparent: string | undefined;
    await withSpan('POST /v1/orders', async (span) => {
      traceparent = `00-${span.spanContext().traceId}-${span.spanContext().spanId}-01`;
      await Promise.resolve();
    });
    await withSpanFromTraceparent('saga OrderPlaced', traceparent, () => undefined);
    await telemetry.forceFlush();

    expect(received.length).toBeGreaterThan(0);
    expect(received.every((r) => r.path === '/v1/traces' && r.contentType.startsWith('application/json'))).toBe(true);
    const spans = received.flatMap((r) => r.body.resourceSpans).flatMap((rs) => rs.scopeSpans.flatMap((s) => s.spans));
    const services = received
      .flatMap((r) => r.body.resourceSpans)
      .map((rs) => rs.resource.attributes.find((a) => a.key === 'service.name'));
    expect(services.every((s) => s?.value.stringValue === 'otlp-test')).toBe(true);
    const http = spans.find((s) => s.name === 'POST /v1/orders');
    const saga = spans.find((s) => s.name === 'saga OrderPlaced');
    expect(http).toBeDefined();
    expect(saga?.traceId).toBe(http?.traceId);
    expect(saga?.parentSpanId).toBe(http?.spanId);
  });
});
