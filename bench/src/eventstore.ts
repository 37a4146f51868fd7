import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { readInfraEnv } from '@orderflow/platform';
import { createScratchDatabase, withAdmin, type ScratchDatabase } from './database.js';
import { defaultConfig, phases, type BenchConfig } from './eventstore/config.js';
import type { StoreFigures } from './eventstore/figures.js';
import { report } from './eventstore/report.js';
import { StoreWorker } from './eventstore/storeWorker.js';
import { round } from './stats.js';

const stores = ['ours', 'emmett', 'ceiling'] as const;
type Store = (typeof stores)[number];
/** The ceiling (`eventstore/ceiling.ts`) is asked for: it adds a minute and a half to a run. */
const defaultStores: readonly Store[] = ['ours', 'emmett'];
/** Phases a store cannot run: the ceiling has no live delivery. */
const unsupported: Partial<Record<Store, readonly string[]>> = { ceiling: ['live'] };

export const description = 'our PostgreSQL event store against Emmett (@event-driven-io/emmett-postgresql) on the same server';

/**
 * `pnpm bench eventstore [--stores ours,emmett,ceiling] [--phases seed,catchUp,…] [--seed-events N] [--measure-ms N]
 *  [--cpu-prof <dir>]`.
 * Each store runs in a worker process of its own on a fresh database; each phase runs for one store, then the next; progress goes to
 * stderr, the table and then the JSON line to stdout.
 */
export async function run(args: readonly string[]): Promise<void> {
  const began = performance.now();
  const { values } = parseArgs({
    args: [...args],
    options: {
      stores: { type: 'string', default: defaultStores.join(',') },
      phases: { type: 'string', default: phases.join(',') },
      'seed-events': { type: 'string' },
      'measure-ms': { type: 'string' },
      'read-cap-ms': { type: 'string' },
      'cpu-prof': { type: 'string' },
    },
  });
  const selected = list(values.stores, stores, 'store');
  const config: BenchConfig = {
    ...defaultConfig,
    phases: list(values.phases, phases, 'phase'),
    seedEvents: number(values['seed-events']) ?? defaultConfig.seedEvents,
    measureMs: number(values['measure-ms']) ?? defaultConfig.measureMs,
    readCapMs: number(values['read-cap-ms']) ?? defaultConfig.readCapMs,
  };
  const adminUrl = process.env.DATABASE_URL ?? readInfraEnv().DATABASE_URL;
  if (adminUrl === undefined || adminUrl === '') throw new Error('no PostgreSQL: run `pnpm infra:up` (or set DATABASE_URL)');
  const server = await withAdmin(adminUrl, async (client) => {
    const { rows } = await client.query<{ version: string; max_connections: string }>(
      `select current_setting('server_version') as version, current_setting('max_connections') as max_connections`,
    );
    return { version: rows[0]?.version ?? '?', maxConnections: Number(rows[0]?.max_connections) };
  });
  if (server.maxConnections < config.maxConnections + 10)
    throw new Error(`max_connections is ${server.maxConnections}; a pool of ${config.maxConnections} needs ${config.maxConnections + 10}`);
  process.stderr.write(
    `PostgreSQL ${server.version} (max_connections ${server.maxConnections}), ${os.cpus().length} cores, Node ${process.version}\n`,
  );

  // Every store gets its database and worker up front; then each phase runs for one store after the other, so a
  // change in the machine's load (shared here) moves both figures of a ratio rather than one.
  const figures: Partial<Record<Store, StoreFigures>> = {};
  const databases: ScratchDatabase[] = [];
  const workers: StoreWorker[] = [];
  try {
    for (const store of selected) {
      const database = await createScratchDatabase(adminUrl, `bench_eventstore_${store}_${randomBytes(4).toString('hex')}`);
      databases.push(database);
      workers.push(await StoreWorker.start(store, database.url, config, values['cpu-prof']));
    }
    for (const phase of phases.filter((p) => config.phases.includes(p)))
      for (const worker of workers) {
        if (unsupported[worker.store as Store]?.includes(phase) === true) continue;
        process.stderr.write(`${loadAverage()}\n`);
        await worker.run(phase);
      }
    for (const worker of workers) figures[worker.store as Store] = await worker.finish();
  } finally {
    for (const worker of workers) worker.kill();
    for (const database of databases) await database.drop();
  }

  const environment = { node: process.version, postgres: server.version, cpus: os.cpus().length };
  const { table, targets, json } = report(config, figures.ours, figures.emmett, figures.ceiling, {
    totalSeconds: round((performance.now() - began) / 1000),
    environment,
    peer: `@event-driven-io/emmett-postgresql@${peerVersion()}`,
  });
  const lines = [table, '', 'targets (ours):'];
  for (const [name, t] of Object.entries(targets))
    lines.push(
      `  ${name}: ${t.goal}, measured ${t.value ?? '–'} → ${t.met === null ? 'not measured' : t.met ? 'met' : 'MISSED'}` +
        ('ceiling' in t ? ` (ceiling ${t.ceiling}: ${t.ceilingMeets ? 'within reach' : 'out of reach on this machine'})` : ''),
    );
  process.stdout.write(`${lines.join('\n')}\n\n${json}\n`);
}

function loadAverage(): string {
  return `load average ${os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(', ')}`;
}

function peerVersion(): string {
  const manifest = new URL('../package.json', import.meta.url);
  const { devDependencies } = JSON.parse(readFileSync(manifest, 'utf8')) as { devDependencies?: Record<string, string> };
  return devDependencies?.['@event-driven-io/emmett-postgresql'] ?? '?';
}

function list<T extends string>(value: string, allowed: readonly T[], what: string): T[] {
  const items = value.split(',').filter(Boolean);
  for (const item of items) if (!allowed.includes(item as T)) throw new Error(`unknown ${what} "${item}" (one of ${allowed.join(', ')})`);
  return items as T[];
}

function number(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const parsed = Number(value);
  if (!Number.isSafeInteger(parsed) || parsed <= 0) throw new Error(`not a positive integer: ${value}`);
  return parsed;
}
