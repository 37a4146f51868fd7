import path from 'node:path';
import { Command, Option } from 'commander';
import { createEmbeddedPostgres, findRepoRoot } from '@orderflow/platform';

/** Services that later issues add to the embedded engine; printed so that `start` never pretends. */
const notBuiltYet = [
  'command API (:3000)',
  'query API (:3001)',
  'sandbox payment gateway (:3002)',
  'projection processors',
  'checkout saga',
];

export function startCommand(): Command {
  return new Command('start')
    .description('run the engine in one process on its embedded defaults')
    .addOption(new Option('--data-dir <dir>', 'where the embedded PostgreSQL keeps its data').default('.data'))
    .addOption(new Option('--pg-port <port>', 'embedded PostgreSQL port').env('ORDERFLOW_PG_PORT').default(54329).argParser(Number))
    .action(async (opts: { dataDir: string; pgPort: number }) => {
      const dataDir = path.resolve(findRepoRoot(), opts.dataDir);
      const pg = createEmbeddedPostgres({
        dataDir: path.join(dataDir, 'postgres'),
        logFile: path.join(dataDir, 'logs', 'postgres.log'),
        port: opts.pgPort,
      });
      const { url, version } = await pg.start();
      const out = (line: string) => process.stdout.write(`${line}\n`);
      out(`orderflow: embedded PostgreSQL ${version.replace(/^postgres \(PostgreSQL\) /, '')} at ${url}`);
      out(`  data: ${path.join(dataDir, 'postgres')}  log: ${path.join(dataDir, 'logs', 'postgres.log')}`);
      out(`  not built yet: ${notBuiltYet.join(', ')}`);
      out('Ctrl-C stops PostgreSQL cleanly.');
      // Signal listeners do not keep Node alive; until the services exist, a timer does.
      const keepAlive = setInterval(() => undefined, 60_000);
      await shutdownSignal();
      clearInterval(keepAlive);
      out('orderflow: stopping PostgreSQL');
      await pg.stop();
    });
}

/** Resolves on the first SIGINT/SIGTERM; the listeners stay, so a repeated Ctrl-C does not cut the shutdown short. */
function shutdownSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    process.on('SIGINT', resolve);
    process.on('SIGTERM', resolve);
  });
}
