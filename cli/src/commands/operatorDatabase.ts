import path from 'node:path';
import { createEmbeddedPostgres, findRepoRoot } from '@orderflow/platform';

export interface OperatorDatabaseOptions {
  /** The embedded PostgreSQL data folder of `orderflow start`, relative to the repository. */
  readonly dataDir: string;
  readonly pgPort: number;
}

/**
 * Runs an operator command's `work` against the configured database, or, when `embedded` (nothing configured), the
 * embedded PostgreSQL of `orderflow start`: started for the command when it is not running and stopped afterwards.
 * Ctrl-C aborts `signal`; `work` gets the embedded server's URL (`undefined` when one is configured).
 */
export async function withOperatorDatabase<T>(
  opts: OperatorDatabaseOptions,
  embedded: boolean,
  work: (embeddedUrl: string | undefined, signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const dataDir = path.resolve(findRepoRoot(), opts.dataDir);
  const server = embedded
    ? createEmbeddedPostgres({
        dataDir: path.join(dataDir, 'postgres'),
        logFile: path.join(dataDir, 'logs', 'postgres.log'),
        port: opts.pgPort,
      })
    : undefined;
  const startedHere = server !== undefined && !(await server.status()).running;
  if (startedHere) await server.start();
  const abort = new AbortController();
  const onSignal = () => {
    abort.abort(new Error('interrupted'));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    return await work(server?.url, abort.signal);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    if (startedHere) await server.stop();
  }
}
