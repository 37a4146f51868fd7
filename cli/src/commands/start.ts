import path from 'node:path';
import { Command, Option } from 'commander';
import { buildCommandApp } from '@orderflow/command-service';
import { createEmbeddedPostgres, createEventStore, createLogger, findRepoRoot, loadConfig, signToken } from '@orderflow/platform';

/** Services that later issues add to the embedded engine; printed so that `start` never pretends. */
const notBuiltYet = ['query API (:3001)', 'sandbox payment gateway (:3002)', 'projection processors', 'checkout saga'];

export function startCommand(): Command {
  return new Command('start')
    .description('run the engine in one process on its embedded defaults')
    .addOption(new Option('--data-dir <dir>', 'where the embedded PostgreSQL keeps its data').default('.data'))
    .addOption(new Option('--pg-port <port>', 'embedded PostgreSQL port').env('ORDERFLOW_PG_PORT').default(54329).argParser(Number))
    .action(async (opts: { dataDir: string; pgPort: number }) => {
      const config = loadConfig();
      const dataDir = path.resolve(findRepoRoot(), opts.dataDir);
      const out = (line: string) => process.stdout.write(`${line}\n`);
      // An explicit DATABASE_URL replaces the embedded server.
      const pg =
        config.DATABASE_URL === undefined
          ? createEmbeddedPostgres({
              dataDir: path.join(dataDir, 'postgres'),
              logFile: path.join(dataDir, 'logs', 'postgres.log'),
              port: opts.pgPort,
            })
          : undefined;
      const databaseUrl = config.DATABASE_URL ?? (await pg?.start())?.url;
      if (databaseUrl === undefined) throw new Error('no PostgreSQL');
      const store = await createEventStore({
        ...(config.EVENTSTORE_URL === undefined ? {} : { eventStoreUrl: config.EVENTSTORE_URL }),
        databaseUrl,
      });
      const commandApp = await buildCommandApp({ config, store, databaseUrl, logger: createLogger('command-service', config.LOG_LEVEL) });
      const commandUrl = await commandApp.listen({ host: config.HOST, port: config.COMMAND_PORT });

      out(`orderflow is running (embedded)`);
      out(
        `  PostgreSQL     ${databaseUrl.replace(/\/\/[^@]*@/, '//***@')}${pg === undefined ? '' : `  (data: ${path.join(dataDir, 'postgres')})`}`,
      );
      out(`  event store    ${config.EVENTSTORE_URL === undefined ? 'PostgreSQL' : 'EventStoreDB'}`);
      out(`  command API    ${commandUrl}   OpenAPI: ${commandUrl}/docs`);
      out(`  not built yet: ${notBuiltYet.join(', ')}`);
      if (config.usesDevelopmentSecret && config.auth.secret !== undefined) {
        const admin = await signToken({ ...config.auth, secret: config.auth.secret }, { sub: 'dev-admin', role: 'admin' });
        out(`  admin token (development secret): ${admin}`);
      }
      out('Ctrl-C drains requests and stops cleanly.');

      await shutdownSignal();
      out('orderflow: draining');
      await commandApp.close();
      await store.close();
      if (pg !== undefined) await pg.stop();
      out('orderflow: stopped');
    });
}

/** Resolves on the first SIGINT/SIGTERM; the listeners stay, so a repeated Ctrl-C does not cut the shutdown short. */
function shutdownSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    process.on('SIGINT', resolve);
    process.on('SIGTERM', resolve);
  });
}
