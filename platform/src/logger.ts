import { pino, type DestinationStream, type Logger } from 'pino';
import { logContext } from './telemetry/logContext.js';
import { activeTraceIds } from './telemetry/tracing.js';
import { ttyDestination } from './telemetry/ttyFormat.js';

export type LogFormat = 'auto' | 'json' | 'pretty';

export interface LoggerOptions {
  /** `auto` (default): compact human lines when stdout is a terminal, JSON otherwise. */
  readonly format?: LogFormat;
  /** Where lines go instead of stdout (tests). */
  readonly destination?: DestinationStream;
}

/**
 * pino JSON logs, one object per line; credentials never reach them. Every line carries `trace_id`/`span_id` of the
 * active span and the fields bound by `withLogContext` (`correlationId`, `orderId`, …).
 */
export function createLogger(service: string, level = 'info', options: LoggerOptions = {}): Logger {
  const format = options.format ?? 'auto';
  const pretty = format === 'pretty' || (format === 'auto' && options.destination === undefined && process.stdout.isTTY);
  const destination = options.destination ?? (pretty ? ttyDestination() : pino.destination(1));
  return pino(
    {
      level,
      base: { service },
      redact: { paths: ['req.headers.authorization', 'req.headers.cookie', '*.password', '*.secret'], censor: '[redacted]' },
      mixin: (_line, _level, logger) => withoutBound({ ...logContext(), ...activeTraceIds() }, logger.bindings()),
    },
    destination,
  );
}

/** Fields a child logger already binds (the request logger's `correlationId`) are not written twice on a line. */
function withoutBound(fields: Record<string, unknown>, bound: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(fields).filter(([key]) => !(key in bound)));
}
