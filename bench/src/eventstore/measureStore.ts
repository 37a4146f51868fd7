import { performance } from 'node:perf_hooks';
import { round } from '../stats.js';
import { writerLevels, type BenchConfig, type Phase } from './config.js';
import { startCpuSampler, type CpuFigures } from './cpu.js';
import type { StoreFigures } from './figures.js';
import { scenarios } from './scenarios.js';
import type { BenchSubject } from './subject.js';

export interface PhaseRunner {
  run(phase: Phase): Promise<void>;
  figures(): StoreFigures;
}

/**
 * Runs one phase at a time, as the parent asks, in the order of `phases`: the reads see exactly the seeded log, the
 * appends land on top of it.
 */
export function createPhaseRunner(subject: BenchSubject, url: string, config: BenchConfig, log: (message: string) => void): PhaseRunner {
  const began = performance.now();
  const run = scenarios(subject, config, () => startCpuSampler(url));
  const figures: StoreFigures = { store: subject.name, seconds: 0, appends: {} };
  let logSize = 0;

  const phases: Record<Phase, () => Promise<void>> = {
    async seed() {
      log(`seeding ${config.seedEvents} events in ${config.seedBatch}-event appends`);
      const seed = await run.seed();
      figures.seed = seed;
      logSize = seed.events;
      log(`seeded through ${seed.via}, ${seed.writers} writer(s), in ${seed.seconds} s (incl. vacuum analyze + checkpoint)`);
    },
    async readAll() {
      const read = await run.readAll(logSize);
      figures.readAll = read;
      log(`readAll: ${read.events} events in ${read.seconds} s = ${read.eventsPerSec}/s${cpuText(read.cpu)}`);
    },
    async catchUp() {
      const read = await run.catchUp(logSize);
      figures.catchUp = read;
      log(`catch-up: ${read.events} events in ${read.seconds} s = ${read.eventsPerSec}/s${cpuText(read.cpu)}`);
    },
    append1: () => appends(writerLevels.append1),
    append16: () => appends(writerLevels.append16),
    append64: () => appends(writerLevels.append64),
    async batch() {
      const batch = await run.batch();
      figures.batch = batch;
      log(`${config.batchSize}-event appends, ${config.batchWriters} writers: ${batch.eventsPerSec} events/s${cpuText(batch.cpu)}`);
    },
    async live() {
      const live = await run.live();
      figures.live = live;
      log(`live: ${live.received}/${live.sent} delivered, p50 ${live.p50Ms} ms, p99 ${live.p99Ms} ms`);
    },
  };

  async function appends(writers: number): Promise<void> {
    const result = await run.appends(writers);
    figures.appends[String(writers)] = result;
    log(`appends, ${writers} writer(s): ${result.appendsPerSec}/s, p50 ${result.p50Ms} ms, p99 ${result.p99Ms} ms${cpuText(result.cpu)}`);
  }

  return {
    run: (phase) => phases[phase](),
    figures() {
      figures.seconds = round((performance.now() - began) / 1000);
      return figures;
    },
  };
}

function cpuText(cpu: CpuFigures | undefined): string {
  if (cpu === undefined) return '';
  return `; CPU per operation: node ${cpu.nodeUs} µs${cpu.serverUs === undefined ? '' : `, server ${cpu.serverUs} µs`}`;
}
