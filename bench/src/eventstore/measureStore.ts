import { performance } from 'node:perf_hooks';
import { round } from '../stats.js';
import { writerLevels, type BenchConfig } from './config.js';
import { startCpuSampler, type CpuFigures } from './cpu.js';
import type { StoreFigures } from './figures.js';
import { scenarios } from './scenarios.js';
import type { BenchSubject } from './subject.js';

/** Runs the configured phases in a fixed order: the reads see exactly the seeded log, the appends land on top of it. */
export async function measureStore(
  subject: BenchSubject,
  url: string,
  config: BenchConfig,
  log: (message: string) => void,
): Promise<StoreFigures> {
  const began = performance.now();
  const run = scenarios(subject, config, () => startCpuSampler(url));
  const wanted = new Set(config.phases);
  const figures: StoreFigures = { store: subject.name, seconds: 0, appends: {} };
  let logSize = 0;

  if (wanted.has('seed')) {
    log(`seeding ${config.seedEvents} events in ${config.seedBatch}-event appends`);
    figures.seed = await run.seed();
    logSize = figures.seed.events;
    log(
      `seeded through ${figures.seed.via}, ${figures.seed.writers} writer(s), in ${figures.seed.seconds} s (incl. vacuum analyze + checkpoint)`,
    );
  }
  if (wanted.has('readAll')) {
    figures.readAll = await run.readAll(logSize);
    log(
      `readAll: ${figures.readAll.events} events in ${figures.readAll.seconds} s = ${figures.readAll.eventsPerSec}/s${cpuText(figures.readAll.cpu)}`,
    );
  }
  if (wanted.has('catchUp')) {
    figures.catchUp = await run.catchUp(logSize);
    log(
      `catch-up: ${figures.catchUp.events} events in ${figures.catchUp.seconds} s = ${figures.catchUp.eventsPerSec}/s${cpuText(figures.catchUp.cpu)}`,
    );
  }
  for (const [phase, writers] of Object.entries(writerLevels)) {
    if (!wanted.has(phase as keyof typeof writerLevels)) continue;
    const result = await run.appends(writers);
    figures.appends[String(writers)] = result;
    log(`appends, ${writers} writer(s): ${result.appendsPerSec}/s, p50 ${result.p50Ms} ms, p99 ${result.p99Ms} ms${cpuText(result.cpu)}`);
  }
  if (wanted.has('batch')) {
    figures.batch = await run.batch();
    log(
      `${config.batchSize}-event appends, ${config.batchWriters} writers: ${figures.batch.eventsPerSec} events/s${cpuText(figures.batch.cpu)}`,
    );
  }
  if (wanted.has('live')) {
    figures.live = await run.live();
    log(`live: ${figures.live.received}/${figures.live.sent} delivered, p50 ${figures.live.p50Ms} ms, p99 ${figures.live.p99Ms} ms`);
  }
  figures.seconds = round((performance.now() - began) / 1000);
  return figures;
}

function cpuText(cpu: CpuFigures | undefined): string {
  if (cpu === undefined) return '';
  return `; CPU per operation: node ${cpu.nodeUs} µs${cpu.serverUs === undefined ? '' : `, server ${cpu.serverUs} µs`}`;
}
