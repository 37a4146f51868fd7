import { InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-node';
import { initTelemetry, type Telemetry, type TraceExporterKind } from './tracing.js';

export type RecordedSpan = ReadableSpan;

export interface SpanRecorder {
  /** Finished spans so far, oldest first. */
  spans(): readonly RecordedSpan[];
  /** The finished span of that name (the latest one); throws, naming what there is, when there is none. */
  span(name: string): RecordedSpan;
  reset(): void;
  readonly telemetry: Telemetry;
}

/**
 * Initialises telemetry with an in-memory exporter beside the configured one, for tests and for a child process
 * that reports its spans itself (the e2e test of `pnpm start`).
 */
export function recordSpans(serviceName = 'test', exporter: TraceExporterKind = 'none'): SpanRecorder {
  const memory = new InMemorySpanExporter();
  const telemetry = initTelemetry({ serviceName, exporter, spanProcessors: [new SimpleSpanProcessor(memory)] });
  return {
    telemetry,
    spans: () => memory.getFinishedSpans(),
    span(name) {
      const found = memory.getFinishedSpans().findLast((s) => s.name === name);
      if (found === undefined)
        throw new Error(
          `no span "${name}" among: ${memory
            .getFinishedSpans()
            .map((s) => s.name)
            .join(', ')}`,
        );
      return found;
    },
    reset: () => {
      memory.reset();
    },
  };
}
