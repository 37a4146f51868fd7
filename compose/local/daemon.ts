import { spawn } from 'node:child_process';
import { mkdir, open, readFile, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/** A long-running server process started detached, tracked by a pid file, logging to a file. */
export interface DaemonSpec {
  readonly name: string;
  readonly command: string;
  readonly args: readonly string[];
  readonly pidFile: string;
  readonly logFile: string;
  readonly cwd?: string;
  readonly env?: Readonly<Record<string, string>>;
}

export async function readPid(pidFile: string): Promise<number | undefined> {
  const text = await readFile(pidFile, 'utf8').catch(() => undefined);
  const pid = text === undefined ? Number.NaN : Number.parseInt(text, 10);
  return Number.isInteger(pid) && isAlive(pid) ? pid : undefined;
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  // An exited process that its (re)parent has not reaped yet is a zombie: it is gone for our purposes.
  const stat = readProcStat(pid);
  return stat === undefined || !/^\d+ \(.*\) Z/.test(stat);
}

function readProcStat(pid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
}

export async function startDaemon(spec: DaemonSpec): Promise<number> {
  await mkdir(path.dirname(spec.logFile), { recursive: true });
  await mkdir(path.dirname(spec.pidFile), { recursive: true });
  const log = await open(spec.logFile, 'a');
  try {
    const child = spawn(spec.command, spec.args, {
      cwd: spec.cwd,
      env: { ...process.env, ...spec.env },
      detached: true,
      stdio: ['ignore', log.fd, log.fd],
    });
    const pid = await new Promise<number>((resolve, reject) => {
      child.once('error', reject);
      child.once('spawn', () => {
        resolve(child.pid ?? -1);
      });
    });
    child.unref();
    await writeFile(spec.pidFile, `${pid}\n`);
    return pid;
  } finally {
    await log.close();
  }
}

/** SIGTERM, wait for a clean exit, SIGKILL after the grace period. */
export async function stopDaemon(pidFile: string, graceMs = 30_000): Promise<'stopped' | 'killed' | 'not running'> {
  const pid = await readPid(pidFile);
  if (pid === undefined) {
    await rm(pidFile, { force: true });
    return 'not running';
  }
  process.kill(pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (isAlive(pid) && Date.now() < deadline) await sleep(100);
  let outcome: 'stopped' | 'killed' = 'stopped';
  if (isAlive(pid)) {
    process.kill(pid, 'SIGKILL');
    outcome = 'killed';
    while (isAlive(pid)) await sleep(50);
  }
  await rm(pidFile, { force: true });
  return outcome;
}

/** Polls `check` until it resolves true; fails with the log's tail when the process dies or time runs out. */
export async function waitUntil(
  what: string,
  check: () => Promise<boolean>,
  { timeoutMs, pid, logFile }: { timeoutMs: number; pid?: number; logFile: string },
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check().catch(() => false)) return;
    if (pid !== undefined && !isAlive(pid)) throw new Error(`${what} exited during start; last log lines:\n${await tail(logFile)}`);
    if (Date.now() > deadline) throw new Error(`${what} not healthy after ${timeoutMs} ms; last log lines:\n${await tail(logFile)}`);
    await sleep(250);
  }
}

export async function tail(file: string, lines = 20): Promise<string> {
  const text = await readFile(file, 'utf8').catch(() => '');
  return text
    .split('\n')
    .slice(-lines - 1)
    .join('\n');
}

/** Fails when something else already listens on the port, so a foreign server is never mistaken for ours. */
export async function assertPortFree(name: string, port: number): Promise<void> {
  const inUse = await new Promise<boolean>((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    const done = (open: boolean) => {
      socket.destroy();
      resolve(open);
    };
    socket.setTimeout(1_000, () => {
      done(false);
    });
    socket.once('connect', () => {
      done(true);
    });
    socket.once('error', () => {
      done(false);
    });
  });
  if (inUse) throw new Error(`port ${port} is already in use by another process; stop it or move ${name} to another port`);
}
