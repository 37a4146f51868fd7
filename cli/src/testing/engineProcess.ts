import { spawn, type ChildProcess } from 'node:child_process';
import { chmod, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '../../..');

/**
 * A fresh data directory for an engine; traversable by others, since the embedded PostgreSQL runs as the `postgres`
 * OS user when the tests run as root.
 */
export async function engineDataDir(prefix: string): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), prefix));
  await chmod(dir, 0o755);
  return dir;
}

export interface EngineProcess {
  readonly child: ChildProcess;
  readonly commandUrl: string;
  readonly queryUrl: string;
  readonly gatewayUrl: string;
  readonly adminToken: string;
  /** Everything the process wrote to stdout and stderr so far. */
  output(): string;
  /** SIGTERM (or the given signal), then resolves with the exit code; SIGKILLs after `timeoutMs`. */
  stop(signal?: NodeJS.Signals, timeoutMs?: number): Promise<number | null>;
}

export interface EngineProcessOptions {
  readonly dataDir: string;
  readonly ports: { readonly command: number; readonly query: number; readonly gateway: number; readonly postgres: number };
  readonly env?: Readonly<Record<string, string>>;
  readonly args?: readonly string[];
  readonly startTimeoutMs?: number;
}

/**
 * Runs `orderflow start` (what `pnpm start` runs) as a child process on the given ports and data directory, and
 * resolves once it printed its URLs and the development admin token.
 */
export async function startEngineProcess(options: EngineProcessOptions): Promise<EngineProcess> {
  const { ports } = options;
  // The embedded topology: none of the test infrastructure's URLs leak into the engine unless given.
  const leaked = new Set(['DATABASE_URL', 'EVENTSTORE_URL', 'MONGO_URL', 'KAFKA_BROKERS']);
  const env: NodeJS.ProcessEnv = {
    ...Object.fromEntries(Object.entries(process.env).filter(([name]) => !leaked.has(name))),
    COMMAND_PORT: String(ports.command),
    QUERY_PORT: String(ports.query),
    GATEWAY_PORT: String(ports.gateway),
    LOG_LEVEL: 'warn',
    ...options.env,
  };
  const child = spawn(
    process.execPath,
    [
      '--conditions=@orderflow/source',
      '--import',
      'tsx',
      'cli/src/main.ts',
      'start',
      '--data-dir',
      options.dataDir,
      '--pg-port',
      String(ports.postgres),
      ...(options.args ?? []),
    ],
    { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code) => {
      resolve(code);
    });
  });

  const deadline = Date.now() + (options.startTimeoutMs ?? 120_000);
  while (!/admin token[^:]*: (\S+)/.test(output)) {
    if (child.exitCode !== null) throw new Error(`orderflow start exited with ${child.exitCode}:\n${output}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`orderflow start did not come up in time:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const adminToken = /admin token[^:]*: (\S+)/.exec(output)?.[1] ?? '';
  return {
    child,
    commandUrl: `http://127.0.0.1:${ports.command}`,
    queryUrl: `http://127.0.0.1:${ports.query}`,
    gatewayUrl: `http://127.0.0.1:${ports.gateway}`,
    adminToken,
    output: () => output,
    async stop(signal = 'SIGTERM', timeoutMs = 60_000) {
      if (child.exitCode !== null) return child.exitCode;
      child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}
