import { existsSync } from 'node:fs';
import { infraEnvFile, readInfraEnv } from '../infraEnv.js';
import { probeInfra } from './probeInfra.js';
import { startContainer } from './containers.js';

export const infraKinds = ['postgres', 'kafka', 'mongo', 'eventstoredb'] as const;
export type InfraKind = (typeof infraKinds)[number];

/** Where a dependency came from, in the order of DESIGN.md §6. */
export type InfraSource = 'env' | 'testcontainers' | 'infra env file';

export type InfraResolution =
  | { readonly ok: true; readonly kind: InfraKind; readonly url: string; readonly source: InfraSource }
  | { readonly ok: false; readonly kind: InfraKind; readonly reason: string };

export const infraLabels: Readonly<Record<InfraKind, string>> = {
  postgres: 'PostgreSQL',
  kafka: 'Kafka',
  mongo: 'MongoDB-compatible server',
  eventstoredb: 'EventStoreDB',
};

/** The environment variable naming each dependency explicitly (the engine reads the same ones). */
export const infraEnvVars: Readonly<Record<InfraKind, string>> = {
  postgres: 'DATABASE_URL',
  kafka: 'KAFKA_BROKERS',
  mongo: 'MONGO_URL',
  eventstoredb: 'EVENTSTORE_URL',
};

/** `REQUIRE_INFRA=postgres,kafka,mongo` turns a missing dependency into a failure instead of a skip. */
export function requiredInfra(env: NodeJS.ProcessEnv = process.env): ReadonlySet<InfraKind> {
  const names = (env.REQUIRE_INFRA ?? '')
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter((s) => s !== '');
  for (const name of names)
    if (!(infraKinds as readonly string[]).includes(name))
      throw new Error(`REQUIRE_INFRA names "${name}"; known dependencies are ${infraKinds.join(', ')}`);
  return new Set(names as InfraKind[]);
}

function explicitUrl(kind: InfraKind, env: NodeJS.ProcessEnv): string | undefined {
  const value = env[infraEnvVars[kind]]?.trim();
  if (value === undefined || value === '') return undefined;
  // EVENTSTORE_URL may name the PostgreSQL store; only an esdb:// URL means EventStoreDB.
  if (kind === 'eventstoredb' && !/^(esdb|kurrentdb)(\+discover)?:\/\//.test(value)) return undefined;
  return value;
}

/**
 * How long a server that REQUIRE_INFRA names is probed again before it counts as unreachable: on a loaded machine one
 * probe can time out (Kafka's most often) although the server is up, and a required server that fails its probe fails
 * the whole file.
 */
const requiredProbeMs = 60_000;

/** Probes `url`, again every second until `forMs` have passed while it fails; returns the last failure, if any. */
async function probeFor(kind: InfraKind, url: string, timeoutMs: number, forMs: number): Promise<string | undefined> {
  const deadline = Date.now() + forMs;
  for (let attempt = 1; ; attempt++) {
    const failure = await probeInfra(kind, url, timeoutMs);
    if (failure === undefined) return undefined;
    if (Date.now() >= deadline) return attempt === 1 ? failure : `${failure} (${attempt} probes in ${Math.round(forMs / 1000)} s)`;
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  }
}

export interface ResolveOptions {
  readonly env?: NodeJS.ProcessEnv;
  readonly envFile?: string;
  readonly probeTimeoutMs?: number;
}

/**
 * Finds a reachable server for `kind`: an explicit URL in the environment, else a container when a Docker
 * engine answers, else the env file of `pnpm infra:up`. Each candidate is probed with the real client (for up to a
 * minute when REQUIRE_INFRA names `kind`).
 */
export async function resolveInfra(kind: InfraKind, options: ResolveOptions = {}): Promise<InfraResolution> {
  const env = options.env ?? process.env;
  const timeoutMs = options.probeTimeoutMs ?? 5_000;
  const label = infraLabels[kind];
  const probeMs = requiredInfra(env).has(kind) ? requiredProbeMs : 0;
  const explicit = explicitUrl(kind, env);
  if (explicit !== undefined) {
    const failure = await probeFor(kind, explicit, timeoutMs, probeMs);
    return failure === undefined
      ? { ok: true, kind, url: explicit, source: 'env' }
      : { ok: false, kind, reason: `${label} at ${infraEnvVars[kind]}=${explicit} is not reachable: ${failure}` };
  }
  const container = await startContainer(kind);
  if (container.started) return { ok: true, kind, url: container.url, source: 'testcontainers' };

  const file = options.envFile ?? infraEnvFile();
  const fromFile = explicitUrl(kind, readInfraEnv(file));
  if (fromFile === undefined) {
    const where = existsSync(file) ? `${file} has no ${infraEnvVars[kind]}` : `${file} does not exist`;
    return { ok: false, kind, reason: `${label}: no ${infraEnvVars[kind]} set, ${container.reason}, and ${where} (run \`pnpm infra:up\`)` };
  }
  const failure = await probeFor(kind, fromFile, timeoutMs, probeMs);
  return failure === undefined
    ? { ok: true, kind, url: fromFile, source: 'infra env file' }
    : { ok: false, kind, reason: `${label} at ${fromFile} (from ${file}) is not reachable: ${failure} (is \`pnpm infra:up\` running?)` };
}
