import { randomUUID } from 'node:crypto';
import { DomainError } from '@orderflow/domain';
import {
  createEventStore,
  metricsRegistry,
  recordSpans,
  withSpan,
  type EventStore,
  type RecordedEvent,
  type SpanRecorder,
} from '@orderflow/platform';
import { describeWith } from '@orderflow/platform/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { handleCommand, type DeciderLike } from './handleCommand.js';

// A capped counter: Increment past the cap is a domain rejection, Touch decides nothing.
type Event = { type: 'Incremented'; data: { by: number } };
type Command = { type: 'Increment'; by: number; cap: number } | { type: 'Touch' };
class CapExceeded extends DomainError {
  readonly code = 'cap_exceeded';
  readonly category = 'conflict';
}
const counter: DeciderLike<number, Command, Event> = {
  initialState: () => 0,
  evolve: (state, event) => state + event.data.by,
  decide: (command, state) => {
    if (command.type === 'Touch') return [];
    if (state + command.by > command.cap) throw new CapExceeded('over the cap');
    return [{ type: 'Incremented', data: { by: command.by } }];
  },
};
const options = {
  parse: (e: RecordedEvent) => ({ type: 'Incremented', data: { by: Number(e.data.by) } }) as Event,
  schemaVersionOf: () => 1,
};
const context = () => ({ commandId: randomUUID(), actor: 'test:handler', now: '2026-11-21T12:00:00.000Z' });

/** Sum of the samples named `name` (a histogram's `…_count` series too) whose labels include `labels`. */
async function metricValue(name: string, labels: Record<string, string>): Promise<number> {
  const metric = await metricsRegistry.getSingleMetric(name.replace(/_count$/, ''))?.get();
  const values = (metric?.values ?? []) as readonly { value: number; metricName?: string; labels: Record<string, unknown> }[];
  return values
    .filter((v) => (v.metricName ?? name) === name && Object.entries(labels).every(([k, value]) => v.labels[k] === value))
    .reduce((sum, v) => sum + v.value, 0);
}

describeWith('postgres', 'command latency, append metrics and command spans', (use) => {
  let recorder: SpanRecorder;
  let store: EventStore;
  beforeAll(async () => {
    recorder = recordSpans();
    store = await createEventStore({ databaseUrl: use().url });
  });
  afterAll(async () => {
    await store.close();
    await recorder.telemetry.shutdown();
  });

  it('counts command durations by type and outcome: accepted, unchanged, rejected, conflict', async () => {
    const stream = `counter-${randomUUID()}`;
    const before = {
      accepted: await metricValue('orderflow_command_duration_seconds_count', { command: 'Increment', outcome: 'accepted' }),
      unchanged: await metricValue('orderflow_command_duration_seconds_count', { command: 'Touch', outcome: 'unchanged' }),
      rejected: await metricValue('orderflow_command_duration_seconds_count', { command: 'Increment', outcome: 'rejected' }),
      conflict: await metricValue('orderflow_command_duration_seconds_count', { command: 'Increment', outcome: 'conflict' }),
    };
    await handleCommand(store, stream, counter, { type: 'Increment', by: 2, cap: 3 }, context(), options);
    await handleCommand(store, stream, counter, { type: 'Touch' }, context(), options);
    await expect(handleCommand(store, stream, counter, { type: 'Increment', by: 2, cap: 3 }, context(), options)).rejects.toThrow(
      CapExceeded,
    );
    await expect(
      handleCommand(store, stream, counter, { type: 'Increment', by: 1, cap: 3 }, context(), { ...options, ifMatch: 7n }),
    ).rejects.toMatchObject({ status: 412 });
    const after = {
      accepted: await metricValue('orderflow_command_duration_seconds_count', { command: 'Increment', outcome: 'accepted' }),
      unchanged: await metricValue('orderflow_command_duration_seconds_count', { command: 'Touch', outcome: 'unchanged' }),
      rejected: await metricValue('orderflow_command_duration_seconds_count', { command: 'Increment', outcome: 'rejected' }),
      conflict: await metricValue('orderflow_command_duration_seconds_count', { command: 'Increment', outcome: 'conflict' }),
    };
    expect({
      accepted: after.accepted - before.accepted,
      unchanged: after.unchanged - before.unchanged,
      rejected: after.rejected - before.rejected,
      conflict: after.conflict - before.conflict,
    }).toEqual({ accepted: 1, unchanged: 1, rejected: 1, conflict: 1 });
  });

  it('times appends and counts the conflicts between processes on one stream', async () => {
    const stream = `counter-${randomUUID()}`;
    const conflictsBefore = await metricValue('orderflow_eventstore_conflicts_total', { category: 'counter' });
    const appendsBefore = await metricValue('orderflow_eventstore_append_duration_seconds_count', { category: 'counter', outcome: 'ok' });
    // Separate store instances stand for separate processes (within one, commands on a stream are queued).
    const others = await Promise.all([1, 2, 3].map(() => createEventStore({ databaseUrl: use().url })));
    const stores = [store, ...others];
    const results = await Promise.all(
      Array.from({ length: 16 }, (_, i) =>
        handleCommand(stores[i % stores.length] ?? store, stream, counter, { type: 'Increment', by: 1, cap: 100 }, context(), options),
      ),
    );
    await Promise.all(others.map((s) => s.close()));
    const retries = results.reduce((sum, r) => sum + r.attempts - 1, 0);
    expect(retries).toBeGreaterThan(0);
    expect((await metricValue('orderflow_eventstore_conflicts_total', { category: 'counter' })) - conflictsBefore).toBe(retries);
    expect(
      (await metricValue('orderflow_eventstore_append_duration_seconds_count', { category: 'counter', outcome: 'ok' })) - appendsBefore,
    ).toBe(16);
  });

  it("runs each command in a span under the caller's, and stamps that span's traceparent on the appended events", async () => {
    recorder.reset();
    const stream = `counter-${randomUUID()}`;
    await withSpan('POST /v1/counters', () =>
      handleCommand(store, stream, counter, { type: 'Increment', by: 1, cap: 9 }, context(), options),
    );
    const http = recorder.span('POST /v1/counters');
    const command = recorder.span('command Increment');
    expect(command.parentSpanContext?.spanId).toBe(http.spanContext().spanId);
    const [event] = await store.readStream(stream);
    expect(event?.metadata.traceparent).toBe(`00-${command.spanContext().traceId}-${command.spanContext().spanId}-01`);

    // A saga step handing over the traceparent of the event it reacts to continues the same trace.
    await handleCommand(
      store,
      stream,
      counter,
      { type: 'Increment', by: 1, cap: 9 },
      { ...context(), traceparent: event?.metadata.traceparent },
      options,
    );
    const next = recorder.span('command Increment');
    expect(next.spanContext().traceId).toBe(http.spanContext().traceId);
    expect(next.parentSpanContext?.spanId).toBe(command.spanContext().spanId);
  });
});
