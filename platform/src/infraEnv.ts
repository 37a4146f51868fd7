import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** The repository root: the nearest folder above `from` holding pnpm-workspace.yaml. */
export function findRepoRoot(from = process.cwd()): string {
  for (let dir = path.resolve(from); ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'pnpm-workspace.yaml'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`no pnpm-workspace.yaml above ${from}`);
  }
}

/** The env file that `pnpm infra:up` writes (override with ORDERFLOW_INFRA_ENV). */
export function infraEnvFile(root = findRepoRoot()): string {
  return process.env.ORDERFLOW_INFRA_ENV ?? path.join(root, '.infra', 'infra.env');
}

/** Reads `KEY=value` lines; an absent file reads as empty. Never merged into process.env. */
export function readInfraEnv(file = infraEnvFile()): Record<string, string> {
  if (!existsSync(file)) return {};
  const entries: Record<string, string> = {};
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const match = /^\s*([A-Z_][A-Z0-9_]*)=(.*)$/.exec(line);
    if (match?.[1] !== undefined) entries[match[1]] = match[2]?.trim() ?? '';
  }
  return entries;
}
