import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { LatencyRecorder, round } from '../stats.js';
import type { BenchConfig } from './config.js';
import type { CpuSampler } from './cpu.js';
import { orderPlaced, orderPlacedBatch } from './events.js';
import type { AppendFigures, RateFigures, StoreFigures } from './figures.js';
import type { BenchEventData, BenchSubject } from './subject.js';
import { timedRun } from './writers.js';

/** The measurements, each on one subject; stream names are unique per run so phases never collide. */
export function scenarios(subject: BenchSubject, config: BenchConfig, cpu: () => Promise<CpuSampler>) {
  const run = randomBytes(3).toString('hex');

  return {
    /** Fills the log with `seedEvents` events in `seedBatch`-event appends, then settles the database. */
    async seed(): Promise<NonNullable<StoreFigures['seed']>> {
      const began = performance.now();
      const method = await subject.seed(config.seedEvents, config.seedBatch);
      await subject.settle();
      return { events: config.seedEvents, ...method, seconds: round((performance.now() - began) / 1000) };
    },

    async readAll(expected: number) {
      const sampler = await cpu();
      const { events, seconds } = await capped(config.readCapMs, (signal) => subject.readAll(signal));
      return { ...rate(events, seconds), complete: events >= expected, cpu: await sampler.stop(events) };
    },

    async catchUp(expected: number) {
      const sampler = await cpu();
      const { events, seconds } = await capped(config.readCapMs, (signal) => subject.catchUp(signal));
      return { ...rate(events, seconds), caughtUp: events >= expected, cpu: await sampler.stop(events) };
    },

    /** Single-event appends, each writer on its own stream, each append expecting exactly the previous revision. */
    async appends(writers: number): Promise<AppendFigures> {
      const stream = (writer: number) => `append${writers}-${run}x${writer}`;
      const sampler = await cpu();
      const result = await timedRun({
        writers,
        warmupMs: config.warmupMs,
        measureMs: config.measureMs,
        operation: (writer, iteration) => subject.append(stream(writer), [orderPlaced(iteration)], iteration),
      });
      const used = await sampler.stop(sum(result.iterations));
      await expectLength(subject, stream(0), result.iterations[0] ?? 0);
      return { writers, appends: result.operations, ...appendRate(result), cpu: used };
    },

    async batch(): Promise<NonNullable<StoreFigures['batch']>> {
      const { batchSize, batchWriters: writers } = config;
      const stream = (writer: number) => `batch-${run}x${writer}`;
      const sampler = await cpu();
      const result = await timedRun({
        writers,
        warmupMs: config.warmupMs,
        measureMs: config.measureMs,
        operation: (writer, iteration) => subject.append(stream(writer), orderPlacedBatch(batchSize), iteration * batchSize),
      });
      const used = await sampler.stop(sum(result.iterations) * batchSize);
      await expectLength(subject, stream(0), (result.iterations[0] ?? 0) * batchSize);
      return {
        writers,
        batchSize,
        appends: result.operations,
        eventsPerSec: round(result.perSecond * batchSize),
        ...appendRate(result),
        cpu: used,
      };
    },

    /** One writer appends an event every `liveIntervalMs`; latency runs from the append call to the subscriber. */
    async live(): Promise<NonNullable<StoreFigures['live']>> {
      const sentAt: number[] = [];
      const latency = new LatencyRecorder();
      let received = 0;
      const subscription = await subject.live((data: BenchEventData) => {
        const at = sentAt[data.seq];
        if (at === undefined) return;
        received += 1;
        latency.record(performance.now() - at);
      });
      try {
        const stream = `live-${run}`;
        const began = performance.now();
        for (let seq = 0; performance.now() - began < config.liveDurationMs; seq += 1) {
          sentAt[seq] = performance.now();
          await subject.append(stream, [orderPlaced(seq)], seq);
          const nextSlot = began + (seq + 1) * config.liveIntervalMs;
          await sleep(Math.max(0, nextSlot - performance.now()));
        }
        // Pollers may need a while for the last events; give them a few seconds, then count what is missing.
        for (const waitUntil = performance.now() + 5_000; received < sentAt.length && performance.now() < waitUntil;) await sleep(10);
      } finally {
        await subscription.stop();
      }
      return {
        sent: sentAt.length,
        received,
        p50Ms: round(latency.percentile(50)),
        p99Ms: round(latency.percentile(99)),
        maxMs: round(latency.percentile(100)),
      };
    },
  };
}

async function capped(capMs: number, read: (signal: AbortSignal) => Promise<number>): Promise<{ events: number; seconds: number }> {
  const began = performance.now();
  const events = await read(AbortSignal.timeout(capMs));
  return { events, seconds: (performance.now() - began) / 1000 };
}

function rate(events: number, seconds: number): RateFigures {
  return { events, seconds: round(seconds), eventsPerSec: round(events / seconds) };
}

function sum(values: readonly number[]): number {
  return values.reduce((total, value) => total + value, 0);
}

function appendRate(result: Awaited<ReturnType<typeof timedRun>>) {
  return {
    appendsPerSec: round(result.perSecond),
    p50Ms: round(result.latency.percentile(50)),
    p99Ms: round(result.latency.percentile(99)),
  };
}

/** A benchmark that counts appends which did not land measures nothing: read one stream back. */
async function expectLength(subject: BenchSubject, streamId: string, expected: number): Promise<void> {
  const actual = await subject.streamLength(streamId);
  if (actual !== expected) throw new Error(`${subject.name}: stream ${streamId} holds ${actual} events, ${expected} were appended`);
}
