import { isStalePreparedStatement } from '../postgres/prepared.js';
import type { RecordedEvent } from '../eventStore/types.js';

/** The lease was lost (another instance took over, or the lease connection died): the batch must not commit. */
export class LeaseLostError extends Error {
  constructor(processor: string, detail: string) {
    super(`processor ${processor} lost its lease: ${detail}`);
    this.name = 'LeaseLostError';
  }
}

/** Strict mode: an event still failed after the retries; the processor (or rebuild) stops at it. */
export class PoisonEventError extends Error {
  readonly event: RecordedEvent;
  readonly attempts: number;
  constructor(processor: string, event: RecordedEvent, attempts: number, cause: unknown) {
    super(
      `processor ${processor} failed on ${event.type} at ${event.position} (${event.streamId}@${event.revision}) after ${attempts} attempts: ${errorMessage(cause)}`,
      {
        cause,
      },
    );
    this.name = 'PoisonEventError';
    this.event = event;
    this.attempts = attempts;
  }
}

const transientCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  '57P01',
  '57P02',
  '57P03',
  '53300',
  '40001',
  '40P01',
]);
const transientNames =
  /^(MongoNetworkError|MongoNetworkTimeoutError|MongoServerSelectionError|MongoNotConnectedError|KafkaJSConnectionError)$/;
const transientMessages =
  /Connection terminated|connection timeout|Client has encountered a connection error|Connection refused|timeout exceeded when trying to connect/i;

/**
 * A failure of the infrastructure rather than of the event (server restart, lost connection, serialization
 * failure): retried with backoff for as long as it lasts, never counted against the event or parked.
 */
export function isTransientError(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  if (err instanceof LeaseLostError) return false;
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string' && (transientCodes.has(code) || code.startsWith('08'))) return true;
  if (transientNames.test(err.name)) return true;
  if (isStalePreparedStatement(err)) return true;
  return transientMessages.test(err.message);
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Message and stack for a dead letter, trimmed so a huge error cannot bloat the table. */
export function describeError(err: unknown, max = 4_000): string {
  const text = err instanceof Error ? (err.stack ?? `${err.name}: ${err.message}`) : String(err);
  return text.length > max ? `${text.slice(0, max)}…` : text;
}
