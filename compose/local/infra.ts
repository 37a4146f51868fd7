import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { findRepoRoot, infraEnvFile, readInfraEnv } from '@orderflow/platform';
import type { ComponentStatus, InfraComponent, InfraContext } from './component.js';
import { ferretdb } from './ferretdb.js';
import { kafka } from './kafka.js';
import { postgres } from './postgres.js';
import { ensureTools } from './tools.js';

/**
 * `pnpm infra:up | infra:down | infra:status`: real servers on loopback without Docker.
 * Components can be narrowed with INFRA_COMPONENTS=postgres,kafka,mongo.
 */
const all: readonly InfraComponent[] = [postgres, kafka, ferretdb];

async function main(verb: string | undefined): Promise<void> {
  const root = findRepoRoot();
  const stateDir = path.join(root, '.infra');
  const ctx: InfraContext = {
    root,
    stateDir,
    logDir: path.join(stateDir, 'logs'),
    log: (message) => process.stderr.write(`${message}\n`),
  };
  const wanted = process.env.INFRA_COMPONENTS?.split(',').map((s) => s.trim());
  const components = all.filter((c) => wanted === undefined || wanted.includes(c.name));
  await mkdir(ctx.logDir, { recursive: true });
  const envFile = infraEnvFile(root);

  switch (verb) {
    case 'up': {
      const started = Date.now();
      await ensureTools(ctx.log);
      // Each server is independent: provision and start them side by side.
      const results = await Promise.allSettled(components.map((c) => timed(c, ctx)));
      const ok = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
      await writeEnv(envFile, ok);
      for (const r of results) if (r.status === 'rejected') ctx.log(`✗ ${String(r.reason instanceof Error ? r.reason.message : r.reason)}`);
      ctx.log(`env file: ${envFile}`);
      ctx.log(`infra:up took ${((Date.now() - started) / 1000).toFixed(1)} s`);
      if (ok.length !== components.length) process.exitCode = 1;
      return;
    }
    case 'down': {
      for (const c of [...components].reverse()) ctx.log(`${c.name}: ${await c.down(ctx)}`);
      if (wanted === undefined) await rm(envFile, { force: true });
      return;
    }
    case 'status': {
      const statuses = await Promise.all(components.map((c) => c.status(ctx)));
      for (const s of statuses) ctx.log(line(s, s.running ? 'running' : 'stopped'));
      if (statuses.some((s) => !s.running)) process.exitCode = 3;
      return;
    }
    default:
      ctx.log('usage: infra.ts up|down|status');
      process.exitCode = 2;
  }
}

async function timed(c: InfraComponent, ctx: InfraContext): Promise<ComponentStatus> {
  const t0 = Date.now();
  try {
    const s = await c.up(ctx);
    const took = ((Date.now() - t0) / 1000).toFixed(1);
    ctx.log(line(s, s.alreadyRunning ? 'already running' : `started in ${took} s`));
    return s;
  } catch (err) {
    throw new Error(`${c.name}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
}

function line(s: ComponentStatus, state: string): string {
  return `${s.name.padEnd(9)} ${state.padEnd(18)} listens on ${s.listen.padEnd(16)} logs to ${path.relative(process.cwd(), s.logFile)}  (${s.version})`;
}

async function writeEnv(file: string, statuses: readonly ComponentStatus[]): Promise<void> {
  // Merge, so that `INFRA_COMPONENTS=kafka pnpm infra:up` keeps the other servers' entries.
  const merged = { ...readInfraEnv(file), ...Object.assign({}, ...statuses.map((s) => s.env)) } as Record<string, string>;
  const lines = ['# written by `pnpm infra:up`; read by the test infrastructure resolver and scripts'];
  for (const [k, v] of Object.entries(merged)) lines.push(`${k}=${v}`);
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, `${lines.join('\n')}\n`);
}

await main(process.argv[2]);
