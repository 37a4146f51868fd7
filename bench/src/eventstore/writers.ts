import { performance } from 'node:perf_hooks';
import { LatencyRecorder } from '../stats.js';

export interface TimedRunOptions {
  readonly writers: number;
  readonly warmupMs: number;
  readonly measureMs: number;
  /** One operation of writer `writer`, its `iteration`-th since the start (warm-up included). */
  readonly operation: (writer: number, iteration: number) => Promise<void>;
}

export interface TimedRunResult {
  /** Operations that started after the warm-up and ended before the deadline. */
  readonly operations: number;
  readonly perSecond: number;
  readonly latency: LatencyRecorder;
  /** Operations per writer over the whole run (warm-up included), for checking the streams afterwards. */
  readonly iterations: readonly number[];
}

/**
 * `writers` closed loops running back to back for warm-up + measurement; only operations wholly inside the
 * measurement window count, so the warm-up ramp and the stragglers after the deadline are left out.
 */
export async function timedRun(options: TimedRunOptions): Promise<TimedRunResult> {
  const latency = new LatencyRecorder();
  const start = performance.now();
  const measureFrom = start + options.warmupMs;
  const deadline = measureFrom + options.measureMs;
  const iterations = new Array<number>(options.writers).fill(0);
  let operations = 0;
  await Promise.all(
    iterations.map(async (_, writer) => {
      for (let iteration = 0; ; iteration += 1) {
        const began = performance.now();
        if (began >= deadline) return;
        await options.operation(writer, iteration);
        iterations[writer] = iteration + 1;
        const ended = performance.now();
        if (began >= measureFrom && ended <= deadline) {
          operations += 1;
          latency.record(ended - began);
        }
      }
    }),
  );
  return { operations, perSecond: operations / (options.measureMs / 1000), latency, iterations };
}

/** Runs `work` for batches 0 … `batches` - 1, `writers` of them at a time, each writer taking the next batch left. */
export async function forEachBatch(batches: number, writers: number, work: (batch: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: writers }, async () => {
      for (let batch = next++; batch < batches; batch = next++) await work(batch);
    }),
  );
}
