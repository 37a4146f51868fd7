import path from 'node:path';
import { Command, Option } from 'commander';
import { findRepoRoot, loadConfig, signToken } from '@orderflow/platform';
import { startEngine } from '../embedded/startEngine.js';
import { cleanly } from './cleanly.js';

export function startCommand(): Command {
  return new Command('start')
    .description('run the whole engine in one process on its embedded defaults')
    .addOption(new Option('--data-dir <dir>', 'where the embedded PostgreSQL keeps its data').default('.data'))
    .addOption(new Option('--pg-port <port>', 'embedded PostgreSQL port').env('ORDERFLOW_PG_PORT').default(54329).argParser(Number))
    .addOption(new Option('--no-seed', 'do not seed the demo catalog on first start'))
    .action(
      // A bad setting or a part that cannot start is one `error:` line, not a stack trace.
      cleanly(async (opts: { dataDir: string; pgPort: number; seed: boolean }) => {
        const config = loadConfig();
        const dataDir = path.resolve(findRepoRoot(), opts.dataDir);
        const out = (line: string) => process.stdout.write(`${line}\n`);
        const engine = await startEngine({ config, dataDir, pgPort: opts.pgPort, seed: opts.seed });
        const { urls } = engine;

        out('orderflow is running (embedded)');
        out(
          `  PostgreSQL       ${engine.databaseUrl.replace(/\/\/[^@]*@/, '//***@')}${engine.embeddedPostgres ? `  (data: ${path.join(dataDir, 'postgres')})` : ''}`,
        );
        out(`  event store      ${engine.eventStore === 'eventstoredb' ? 'EventStoreDB' : 'PostgreSQL'}`);
        out(`  documents        ${engine.documentStore === 'mongodb' ? 'MongoDB' : 'PostgreSQL (JSONB)'}`);
        out(`  command API      ${urls.command}   OpenAPI: ${urls.command}/docs`);
        out(`  query API        ${urls.query}   OpenAPI: ${urls.query}/docs   event catalog: ${urls.query}/docs/events`);
        out(`  payment gateway  ${urls.gateway}${config.PAYMENT_GATEWAY_URL === undefined ? '   (sandbox: tok_visa approves)' : ''}`);
        out(`  processors       stock, order-history, notifications, checkout saga${engine.kafka ? ', kafka-forwarder' : ''}`);
        out(`  Kafka            ${engine.kafka ? config.KAFKA_BROKERS.join(',') : 'off (set KAFKA_BROKERS to forward events)'}`);
        out(`  metrics          ${urls.command}/metrics   health: /healthz, /readyz on every service`);
        if (engine.seeded.length > 0) out(`  demo catalog     seeded ${engine.seeded.join(', ')}`);
        if (config.usesDevelopmentSecret && config.auth.secret !== undefined) {
          const admin = await signToken({ ...config.auth, secret: config.auth.secret }, { sub: 'dev-admin', role: 'admin' });
          out(`  admin token (development secret): ${admin}`);
        }
        out('Ctrl-C drains in-flight commands, stops the subscriptions at a checkpoint and shuts PostgreSQL down cleanly.');

        await shutdownSignal();
        out('orderflow: draining');
        await engine.stop();
        out('orderflow: stopped');
      }),
    );
}

/** Resolves on the first SIGINT/SIGTERM; the listeners stay, so a repeated Ctrl-C does not cut the shutdown short. */
function shutdownSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    process.on('SIGINT', resolve);
    process.on('SIGTERM', resolve);
  });
}
