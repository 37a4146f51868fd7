import { round } from '../stats.js';
import type { BenchConfig } from './config.js';
import type { CpuFigures } from './cpu.js';
import type { StoreFigures } from './figures.js';

interface Metric {
  readonly key: string;
  readonly label: string;
  readonly lowerIsBetter?: boolean;
  readonly value: (figures: StoreFigures) => number | undefined;
  /** Said beside the value when the figure is partial (a capped read, undelivered events). */
  readonly note?: (figures: StoreFigures) => string | undefined;
}

function metrics(config: BenchConfig): Metric[] {
  const appendMetrics = [1, 16, 64].flatMap((writers): Metric[] => [
    {
      key: `append${writers}PerSec`,
      label: `single-event appends/s, ${writers} writer(s)`,
      value: (f) => f.appends[writers]?.appendsPerSec,
    },
    { key: `append${writers}P50Ms`, label: `  p50 ms`, lowerIsBetter: true, value: (f) => f.appends[writers]?.p50Ms },
    { key: `append${writers}P99Ms`, label: `  p99 ms`, lowerIsBetter: true, value: (f) => f.appends[writers]?.p99Ms },
    ...cpuMetrics(`append${writers}`, 'append', (f) => f.appends[writers]?.cpu),
  ]);
  return [
    ...appendMetrics,
    {
      key: 'batchEventsPerSec',
      label: `${config.batchSize}-event appends, events/s (${config.batchWriters} writers)`,
      value: (f) => f.batch?.eventsPerSec,
    },
    { key: 'batchP50Ms', label: '  p50 ms per batch', lowerIsBetter: true, value: (f) => f.batch?.p50Ms },
    ...cpuMetrics('batch', 'event', (f) => f.batch?.cpu),
    {
      key: 'readAllEventsPerSec',
      label: `readAll events/s (pages of ${config.pageSize})`,
      value: (f) => f.readAll?.eventsPerSec,
      note: (f) => (f.readAll && !f.readAll.complete ? `capped: ${f.readAll.events} events in ${f.readAll.seconds} s` : undefined),
    },
    ...cpuMetrics('readAll', 'event', (f) => f.readAll?.cpu),
    {
      key: 'catchUpEventsPerSec',
      label: `catch-up events/s (${config.seedEvents} events)`,
      value: (f) => f.catchUp?.eventsPerSec,
      note: (f) => (f.catchUp && !f.catchUp.caughtUp ? `capped: ${f.catchUp.events} events in ${f.catchUp.seconds} s` : undefined),
    },
    ...cpuMetrics('catchUp', 'event', (f) => f.catchUp?.cpu),
    {
      key: 'liveP50Ms',
      label: `live delivery p50 ms (1 event / ${config.liveIntervalMs} ms)`,
      lowerIsBetter: true,
      value: (f) => f.live?.p50Ms,
      note: (f) =>
        f.live && f.live.received < f.live.sent ? `${f.live.sent - f.live.received} of ${f.live.sent} not delivered` : undefined,
    },
    { key: 'liveP99Ms', label: '  p99 ms', lowerIsBetter: true, value: (f) => f.live?.p99Ms },
  ];
}

/** CPU per operation of a phase, client and server: unlike the rates, it holds still under a shared machine's load. */
function cpuMetrics(key: string, per: string, cpu: (figures: StoreFigures) => CpuFigures | undefined): Metric[] {
  return [
    { key: `${key}NodeUs`, label: `  CPU µs per ${per}, node`, lowerIsBetter: true, value: (f) => cpu(f)?.nodeUs },
    { key: `${key}ServerUs`, label: `  CPU µs per ${per}, server`, lowerIsBetter: true, value: (f) => cpu(f)?.serverUs },
  ];
}

/**
 * The readable table (ours, the peer, ratio; with the ceiling, its figure and ours/ceiling) and the JSON line, from
 * the figures of every store measured.
 */
export function report(
  config: BenchConfig,
  ours: StoreFigures | undefined,
  peer: StoreFigures | undefined,
  ceiling: StoreFigures | undefined,
  extra: Record<string, unknown>,
) {
  const peerName = peer?.store ?? 'peer';
  const header = ['figure', 'ours', peerName, `ours/${peerName}`];
  if (ceiling !== undefined) header.push('ceiling', 'ours/ceiling');
  const rows: string[][] = [[...header, '']];
  const ratios: Record<string, number> = {};
  const ofCeiling: Record<string, number> = {};
  for (const metric of metrics(config)) {
    const a = ours && metric.value(ours);
    const b = peer && metric.value(peer);
    const c = ceiling && metric.value(ceiling);
    if (a === undefined && b === undefined && c === undefined) continue;
    const ratio = quotient(a, b);
    if (ratio !== undefined) ratios[metric.key] = ratio;
    const share = quotient(a, c);
    if (share !== undefined) ofCeiling[metric.key] = share;
    const lower = metric.lowerIsBetter === true ? ' (lower is better)' : '';
    const notes = [ours && metric.note?.(ours), peer && metric.note?.(peer)].map((n, i) =>
      n ? `${i === 0 ? 'ours' : peerName} ${n}` : '',
    );
    const row = [metric.label, format(a), format(b), ratio === undefined ? '' : `${ratio}×${lower}`];
    if (ceiling !== undefined) row.push(format(c), share === undefined ? '' : `${share}×${lower}`);
    rows.push([...row, notes.filter(Boolean).join('; ')]);
  }
  const append16 = ours?.appends[16]?.appendsPerSec;
  const targets = {
    append16AtLeast2xPeer: target(ratios.append16PerSec, (r) => r >= 2, '≥ 2× peer'),
    append16AtLeast10k: target(append16, (v) => v >= 10_000, '≥ 10,000/s', ceiling?.appends[16]?.appendsPerSec),
    catchUpAtLeast100k: target(ours?.catchUp?.eventsPerSec, (v) => v >= 100_000, '≥ 100,000 events/s', ceiling?.catchUp?.eventsPerSec),
    liveP50Below20Ms: target(ours?.live?.p50Ms, (v) => v < 20, '< 20 ms'),
  };
  const json = {
    bench: 'eventstore',
    ...extra,
    config,
    ours,
    [peerName]: peer,
    ...(ceiling && { ceiling }),
    ratios,
    ...(ceiling && { ofCeiling }),
    targets,
  };
  return { table: render(rows), targets, json: JSON.stringify(json) };
}

function quotient(a: number | undefined, b: number | undefined): number | undefined {
  return a !== undefined && b !== undefined && b !== 0 ? round(a / b) : undefined;
}

/** A target's verdict; with the ceiling measured, also what the ceiling reached (a target above it is out of reach). */
function target(value: number | undefined, met: (v: number) => boolean, goal: string, ceiling?: number) {
  const verdict = value === undefined ? { goal, value: null, met: null } : { goal, value, met: met(value) };
  return ceiling === undefined ? verdict : { ...verdict, ceiling, ceilingMeets: met(ceiling) };
}

function format(value: number | undefined): string {
  if (value === undefined) return '–';
  if (Number.isNaN(value)) return 'n/a';
  return value >= 1000 ? Math.round(value).toLocaleString('en-US') : String(value);
}

function render(rows: string[][]): string {
  const widths = rows[0]?.map((_, column) => Math.max(...rows.map((row) => row[column]?.length ?? 0))) ?? [];
  const line = (row: string[]) =>
    row
      .map((cell, column) =>
        column === 0 || column === row.length - 1 ? cell.padEnd(widths[column] ?? 0) : cell.padStart(widths[column] ?? 0),
      )
      .join('  ')
      .trimEnd();
  const [header, ...body] = rows;
  return [
    line(header ?? []),
    widths
      .map((w) => '-'.repeat(w))
      .join('  ')
      .trimEnd(),
    ...body.map(line),
  ].join('\n');
}
