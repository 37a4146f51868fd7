import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/**
 * The real projection service (`projection-service/src/server.ts`) in a process of its own, as in the full topology:
 * services never import each other, so the end-to-end spec talks to it only through the stores.
 */
export function startProjectionProcess(env: Record<string, string>): { stop(): Promise<void> } {
  const entry = fileURLToPath(new URL('../../../projection-service/src/server.ts', import.meta.url));
  // The stores come from `env` only: a MONGO_URL exported in the caller's shell (say, from `.infra/infra.env`) would
  // otherwise send the PostgreSQL variant's documents to MongoDB, where its query service never looks.
  const storeVariables = new Set(['DATABASE_URL', 'MONGO_URL', 'EVENTSTORE_URL']);
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([name]) => !storeVariables.has(name)));
  const child: ChildProcess = fork(entry, [], {
    env: { ...inherited, LOG_LEVEL: 'warn', ...env },
    execArgv: ['--conditions=@orderflow/source', '--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => {
      resolve();
    });
  });
  return {
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
