import { spawn } from 'node:child_process';

/** A child process running a TypeScript entry from source (tsx), its stdout collected, its exit awaitable. */
export interface SourceProcess {
  /** Everything it printed on stdout so far. */
  readonly stdout: () => string;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  kill(signal: NodeJS.Signals): void;
  /** SIGTERM unless it has ended, then its end. */
  stop(): Promise<void>;
}

/**
 * Starts `entry` in a process of its own, as the crash tests need one to kill: the workspace's sources through tsx,
 * `env` over this process's environment, stderr shared with the test's.
 */
export function startSourceProcess(entry: string, env: Record<string, string>): SourceProcess {
  const child = spawn(process.execPath, ['--conditions=@orderflow/source', '--import', 'tsx', entry], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => {
      resolve({ code, signal });
    });
  });
  return {
    stdout: () => out,
    exited,
    kill: (signal) => child.kill(signal),
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

/** `promise`, or a rejection naming `what` after `ms`. */
export function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  return Promise.race([
    promise,
    new Promise<never>((_, reject) =>
      setTimeout(() => {
        reject(new Error(`${what}: not within ${ms} ms`));
      }, ms),
    ),
  ]);
}
