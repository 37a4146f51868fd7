import {
  context,
  propagation,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  type Attributes,
  type Context,
  type Span,
  type Tracer,
} from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import type { TextMapGetter, TextMapSetter } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BatchSpanProcessor,
  ConsoleSpanExporter,
  NodeTracerProvider,
  SamplingDecision,
  SimpleSpanProcessor,
  type Sampler,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace-node';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';
import { keepLogBindingsInTraceContext } from './logContext.js';

export type TraceExporterKind = 'none' | 'console' | 'otlp';

export interface TelemetryOptions {
  readonly serviceName: string;
  /**
   * Where finished spans go. With `none` (and no `spanProcessors`) spans still get ids, which reach logs and event
   * metadata so one request stays correlated across processes, but nothing about them is recorded: nobody would read it.
   */
  readonly exporter: TraceExporterKind;
  /** OTLP/HTTP base URL (`http://jaeger:4318`); `/v1/traces` is appended. Default: the exporter's own default. */
  readonly otlpEndpoint?: string;
  /** Extra processors, e.g. a `SimpleSpanProcessor(new InMemorySpanExporter())` in tests. */
  readonly spanProcessors?: readonly SpanProcessor[];
}

export interface Telemetry {
  /** Flushes pending spans (exporting processes call it before exit). */
  forceFlush(): Promise<void>;
  /** Flushes and unregisters the SDK; `initTelemetry` may be called again afterwards. */
  shutdown(): Promise<void>;
}

const tracerName = '@orderflow/platform';
const w3c = new W3CTraceContextPropagator();
type Carrier = Record<string, string>;
const setter: TextMapSetter<Carrier> = {
  set: (carrier, key, value) => {
    carrier[key] = value;
  },
};
const getter: TextMapGetter<Carrier> = { get: (carrier, key) => carrier[key], keys: (carrier) => Object.keys(carrier) };
let installed: { readonly handle: Telemetry; readonly processors: SpanProcessor[] } | undefined;

/**
 * Registers the OpenTelemetry SDK for this process (once: a second call returns the first handle, so the embedded
 * mode's services can each call it): AsyncLocalStorage context, W3C trace-context propagation, and the exporter.
 */
export function initTelemetry(options: TelemetryOptions): Telemetry {
  if (installed !== undefined) {
    // A later caller's own processors (a test's in-memory exporter) still join.
    installed.processors.push(...(options.spanProcessors ?? []));
    return installed.handle;
  }
  const processors: SpanProcessor[] = [...(options.spanProcessors ?? [])];
  if (options.exporter === 'console') processors.push(new SimpleSpanProcessor(new ConsoleSpanExporter()));
  if (options.exporter === 'otlp') {
    const base = options.otlpEndpoint?.replace(/\/+$/, '');
    processors.push(new BatchSpanProcessor(new OTLPTraceExporter(base === undefined ? {} : { url: `${base}/v1/traces` })));
  }
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: options.serviceName }),
    sampler: recordWhenRead(processors),
    spanProcessors: [fanOut(processors)],
  });
  provider.register({ propagator: w3c });
  keepLogBindingsInTraceContext(true);
  const handle: Telemetry = {
    forceFlush: () => provider.forceFlush(),
    async shutdown() {
      await provider.shutdown();
      keepLogBindingsInTraceContext(false);
      trace.disable();
      context.disable();
      propagation.disable();
      if (installed?.handle === handle) installed = undefined;
    },
  };
  installed = { handle, processors };
  return handle;
}

/**
 * Records every span while some processor takes finished spans (an exporter, a test's in-memory one), and none
 * otherwise: an unrecorded span keeps its ids (and its trace across processes) but costs no attributes, timings or
 * processing. The caller's sampling flag is not followed: what this process records is decided here.
 */
function recordWhenRead(processors: readonly SpanProcessor[]): Sampler {
  return {
    shouldSample: () => ({ decision: processors.length > 0 ? SamplingDecision.RECORD_AND_SAMPLED : SamplingDecision.NOT_RECORD }),
    toString: () => 'RecordWhenRead',
  };
}

/** One processor that forwards to a list which may grow after the provider was built. */
function fanOut(processors: SpanProcessor[]): SpanProcessor {
  return {
    onStart: (span, parent) => {
      for (const p of processors) p.onStart(span, parent);
    },
    onEnd: (span) => {
      for (const p of processors) p.onEnd(span);
    },
    forceFlush: async () => {
      await Promise.all(processors.map((p) => p.forceFlush()));
    },
    shutdown: async () => {
      await Promise.all(processors.map((p) => p.shutdown()));
    },
  };
}

/** The tracer every orderflow component uses (a no-op until `initTelemetry`). */
export function getTracer(): Tracer {
  return trace.getTracer(tracerName);
}

/** The W3C `traceparent` of the active span, or `undefined` when there is none (tracing not initialised). */
export function currentTraceparent(active: Context = context.active()): string | undefined {
  return traceHeaders(active).traceparent;
}

/** `{ traceparent }` of the active span, to spread into an event's metadata (empty when there is no span). */
export function traceMetadata(): { traceparent?: string } {
  const traceparent = currentTraceparent();
  return traceparent === undefined ? {} : { traceparent };
}

/** Headers that carry the active trace to another service (`traceparent`, `tracestate`) on an outgoing HTTP call. */
export function traceHeaders(active: Context = context.active()): Record<string, string> {
  const carrier: Carrier = {};
  w3c.inject(active, carrier, setter);
  return carrier;
}

/**
 * The context a W3C `traceparent` (and optional `tracestate`) stands for, on top of `base` (the root context by
 * default); a missing or malformed value gives `base`.
 */
export function contextFromTraceparent(traceparent: string | undefined, tracestate?: string, base: Context = ROOT_CONTEXT): Context {
  if (traceparent === undefined) return base;
  const carrier: Carrier = { traceparent, ...(tracestate === undefined ? {} : { tracestate }) };
  return w3c.extract(base, carrier, getter);
}

/**
 * The parent of a span for work caused by an event: the event's trace when it has a `traceparent`, built on the active
 * context without its span (so the log bindings stay), else the active context.
 */
function parentFor(traceparent: string | undefined): Context {
  return traceparent === undefined ? context.active() : contextFromTraceparent(traceparent, undefined, trace.deleteSpan(context.active()));
}

export interface SpanOptions {
  readonly kind?: SpanKind;
  readonly attributes?: Attributes;
}

/**
 * Runs `fn` in a new span that continues the trace of an event's `traceparent` (a child of the span that appended
 * it), so a saga step, a gateway call or a projection update joins the trace of the HTTP command that caused it.
 * Without a traceparent the span is a child of the active span, or a new root. A thrown error is recorded on the
 * span and rethrown.
 */
export async function withSpanFromTraceparent<T>(
  name: string,
  traceparent: string | undefined,
  fn: (span: Span) => Promise<T> | T,
  options: SpanOptions = {},
): Promise<T> {
  const parent = parentFor(traceparent);
  return runInSpan(name, parent, fn, { kind: SpanKind.CONSUMER, ...options });
}

/** Runs `fn` in a new child span of the active span (or a new root), ending it when `fn` settles. */
export async function withSpan<T>(name: string, fn: (span: Span) => Promise<T> | T, options: SpanOptions = {}): Promise<T> {
  return runInSpan(name, context.active(), fn, options);
}

async function runInSpan<T>(name: string, parent: Context, fn: (span: Span) => Promise<T> | T, options: SpanOptions): Promise<T> {
  const span = getTracer().startSpan(
    name,
    { kind: options.kind ?? SpanKind.INTERNAL, ...(options.attributes === undefined ? {} : { attributes: options.attributes }) },
    parent,
  );
  try {
    return await context.with(trace.setSpan(parent, span), () => fn(span));
  } catch (err) {
    fail(span, err);
    throw err;
  } finally {
    span.end();
  }
}

/** What `withSpansFromEvents` reads of an event (a `RecordedEvent` fits). */
export interface TracedEvent {
  readonly type: string;
  readonly metadata: { readonly traceparent?: string | undefined };
}

const maxSpansPerBatch = 64;

/**
 * For a processor that handles events in batches: `fn` runs once, and the trace of every event in the batch gets a
 * span `name` for it (a child of the event's traceparent; one per distinct traceparent, at most 64), so each
 * order's trace shows the projection update that applied its events. Events without a traceparent share one span
 * under the active context. All spans end when `fn` settles, failed if it threw.
 */
export async function withSpansFromEvents<T>(
  name: string,
  events: readonly TracedEvent[],
  fn: () => Promise<T> | T,
  options: SpanOptions = {},
): Promise<T> {
  const byParent = new Map<string | undefined, string[]>();
  for (const event of events) {
    const key = event.metadata.traceparent;
    const types = byParent.get(key) ?? (byParent.size < maxSpansPerBatch ? [] : undefined);
    if (types === undefined) continue;
    types.push(event.type);
    byParent.set(key, types);
  }
  if (byParent.size === 0) byParent.set(undefined, []);
  const spans = [...byParent].map(([traceparent, types]) => {
    const parent = parentFor(traceparent);
    const span = getTracer().startSpan(
      name,
      {
        kind: options.kind ?? SpanKind.CONSUMER,
        attributes: { ...options.attributes, 'orderflow.event_types': [...new Set(types)], 'orderflow.batch_size': events.length },
      },
      parent,
    );
    return { span, context: trace.setSpan(parent, span) };
  });
  const [first] = spans;
  try {
    return await (first === undefined ? fn() : context.with(first.context, fn));
  } catch (err) {
    for (const { span } of spans) fail(span, err);
    throw err;
  } finally {
    for (const { span } of spans) span.end();
  }
}

function fail(span: Span, err: unknown): void {
  span.recordException(err instanceof Error ? err : String(err));
  span.setStatus({ code: SpanStatusCode.ERROR, message: err instanceof Error ? err.message : String(err) });
}

/** trace_id and span_id of the active span, for log lines (empty when there is no valid span). */
export function activeTraceIds(): { trace_id?: string; span_id?: string } {
  const spanContext = trace.getActiveSpan()?.spanContext();
  if (spanContext === undefined || !trace.isSpanContextValid(spanContext)) return {};
  return { trace_id: spanContext.traceId, span_id: spanContext.spanId };
}

/**
 * `initTelemetry` from the parsed configuration (`OTEL_TRACES_EXPORTER`, `OTEL_EXPORTER_OTLP_ENDPOINT`,
 * `OTEL_SERVICE_NAME` overriding `serviceName`): the one line a process entry runs before building anything.
 */
export function initTelemetryFromConfig(
  config: {
    readonly OTEL_TRACES_EXPORTER: TraceExporterKind;
    readonly OTEL_EXPORTER_OTLP_ENDPOINT?: string | undefined;
    readonly OTEL_SERVICE_NAME?: string | undefined;
  },
  serviceName: string,
): Telemetry {
  return initTelemetry({
    serviceName: config.OTEL_SERVICE_NAME ?? serviceName,
    exporter: config.OTEL_TRACES_EXPORTER,
    ...(config.OTEL_EXPORTER_OTLP_ENDPOINT === undefined ? {} : { otlpEndpoint: config.OTEL_EXPORTER_OTLP_ENDPOINT }),
  });
}
