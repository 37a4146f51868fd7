import { SpanKind } from '@opentelemetry/api';
import { DomainError } from '@orderflow/domain';
import { ConcurrencyError, counter, histogram, HttpProblem, withSpanFromTraceparent } from '@orderflow/platform';

const commandDuration = histogram({
  name: 'orderflow_command_duration_seconds',
  help: 'Command handling time (queue, load, decide, append, re-decides), by command type and outcome',
  labelNames: ['command', 'outcome'],
  buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
});
const appendDuration = histogram({
  name: 'orderflow_eventstore_append_duration_seconds',
  help: 'Event store append latency as seen by command handling, by stream category and outcome',
  labelNames: ['category', 'outcome'],
  buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
});
const conflicts = counter({
  name: 'orderflow_eventstore_conflicts_total',
  help: 'Appends refused for a wrong expected revision (each one is re-decided or, with If-Match, answered 412)',
  labelNames: ['category'],
});

export type CommandOutcome = 'accepted' | 'unchanged' | 'rejected' | 'conflict' | 'failed';

/** `order-…` → `order`: a label with a handful of values, never one per stream. */
const categoryOf = (streamId: string) => streamId.split('-', 1)[0] ?? streamId;

function outcomeOf(error: unknown): CommandOutcome {
  if (error instanceof ConcurrencyError || (error instanceof HttpProblem && error.status === 412)) return 'conflict';
  if (error instanceof DomainError || (error instanceof HttpProblem && error.status < 500)) return 'rejected';
  return 'failed';
}

/**
 * Runs one command in a span `command <Type>` (a child of `traceparent` when the caller carries one from an event,
 * else of the active span) and records its duration by outcome.
 */
export async function observeCommand<T extends { events: readonly unknown[] }>(
  command: unknown,
  streamId: string,
  traceparent: string | undefined,
  run: () => Promise<T>,
): Promise<T> {
  const type = typeof command === 'object' && command !== null && 'type' in command ? String(command.type) : 'unknown';
  const started = performance.now();
  let outcome: CommandOutcome = 'failed';
  try {
    const result = await withSpanFromTraceparent(`command ${type}`, traceparent, run, {
      kind: SpanKind.INTERNAL,
      attributes: { 'orderflow.command': type, 'orderflow.stream': streamId },
    });
    outcome = result.events.length === 0 ? 'unchanged' : 'accepted';
    return result;
  } catch (err) {
    outcome = outcomeOf(err);
    throw err;
  } finally {
    commandDuration.observe({ command: type, outcome }, (performance.now() - started) / 1000);
  }
}

/** Times one append and counts its concurrency conflicts. */
export async function observeAppend<T>(streamId: string, append: () => Promise<T>): Promise<T> {
  const category = categoryOf(streamId);
  const started = performance.now();
  let outcome = 'ok';
  try {
    return await append();
  } catch (err) {
    outcome = err instanceof ConcurrencyError ? 'conflict' : 'error';
    if (err instanceof ConcurrencyError) conflicts.inc({ category });
    throw err;
  } finally {
    appendDuration.observe({ category, outcome }, (performance.now() - started) / 1000);
  }
}
