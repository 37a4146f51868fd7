import path from 'node:path';
import pg from 'pg';
import type { Logger } from 'pino';
import {
  buildCommandApp,
  checkoutPolicyFromEnv,
  createHttpPaymentGateway,
  sandboxOptionsFromEnv,
  seedDemoCatalog,
  startCheckoutWorker,
  startSandboxGateway,
  type RunningSandboxGateway,
} from '@orderflow/command-service';
import {
  createCheckpointWatcher,
  createDocumentStore,
  createEmbeddedPostgres,
  createEventStore,
  createLogger,
  initTelemetry,
  migrateProcessing,
  startProcessor,
  type Config,
  type HttpApp,
} from '@orderflow/platform';
import { createKafkaForwarder, forwarderOptionsFromEnv, startProjectionService } from '@orderflow/projection-service';
import { buildQueryApp, createPostgresCatalogReader, createReadModels, queryOptionsFromEnv } from '@orderflow/query-service';

export interface EngineOptions {
  readonly config: Config;
  /** Where the embedded PostgreSQL keeps its data (ignored when `DATABASE_URL` is set). */
  readonly dataDir: string;
  readonly pgPort: number;
  /** Seed the demo catalog when its SKUs do not exist yet. */
  readonly seed: boolean;
}

export interface RunningEngine {
  readonly urls: { readonly command: string; readonly query: string; readonly gateway: string };
  readonly databaseUrl: string;
  readonly embeddedPostgres: boolean;
  readonly documentStore: 'mongodb' | 'postgresql';
  readonly eventStore: 'eventstoredb' | 'postgresql';
  readonly kafka: boolean;
  readonly seeded: readonly string[];
  readonly logger: Logger;
  /** Drains in-flight commands, stops every subscription at a checkpoint, then closes PostgreSQL cleanly. */
  stop(): Promise<void>;
}

/**
 * The whole engine in one process (DESIGN.md §3, embedded topology): PostgreSQL (embedded unless `DATABASE_URL`),
 * the event store, the sandbox payment gateway, the command API, the projection processors, the Kafka forwarder
 * (only when `KAFKA_BROKERS` is set), the checkout saga with its timers, and the query API. Each part is the same code
 * that runs alone in the full topology.
 */
export async function startEngine(options: EngineOptions): Promise<RunningEngine> {
  const { config } = options;
  // The parts' own settings are read before anything starts, so a bad value stops nothing half-started.
  const queryOptions = queryOptionsFromEnv();
  const checkoutPolicy = checkoutPolicyFromEnv();
  const sandboxOptions = sandboxOptionsFromEnv();
  const telemetry = initTelemetry({
    serviceName: config.OTEL_SERVICE_NAME ?? 'orderflow',
    exporter: config.OTEL_TRACES_EXPORTER,
    ...(config.OTEL_EXPORTER_OTLP_ENDPOINT === undefined ? {} : { otlpEndpoint: config.OTEL_EXPORTER_OTLP_ENDPOINT }),
  });
  const logger = createLogger('orderflow', config.LOG_LEVEL, { format: config.LOG_FORMAT });
  const closers: { readonly name: string; close(): Promise<unknown> }[] = [];
  const stop = async () => {
    for (const closer of closers.reverse()) {
      logger.info({ part: closer.name }, 'stopping');
      await closer.close().catch((err: unknown) => {
        logger.error({ err, part: closer.name }, 'stop failed');
      });
    }
    await telemetry.forceFlush().catch(() => undefined);
  };

  try {
    const embedded =
      config.DATABASE_URL === undefined
        ? createEmbeddedPostgres({
            dataDir: path.join(options.dataDir, 'postgres'),
            logFile: path.join(options.dataDir, 'logs', 'postgres.log'),
            port: options.pgPort,
          })
        : undefined;
    const databaseUrl = config.DATABASE_URL ?? (await embedded?.start())?.url;
    if (databaseUrl === undefined) throw new Error('no PostgreSQL');
    if (embedded !== undefined) closers.push({ name: 'embedded PostgreSQL', close: () => embedded.stop() });

    const pool = new pg.Pool({ connectionString: databaseUrl, max: 32 });
    pool.on('error', (err) => {
      logger.warn({ err }, 'idle PostgreSQL client failed');
    });
    closers.push({ name: 'PostgreSQL pool', close: () => pool.end() });
    await migrateProcessing(pool);

    const store = await createEventStore({
      ...(config.EVENTSTORE_URL === undefined ? {} : { eventStoreUrl: config.EVENTSTORE_URL }),
      databaseUrl,
    });
    closers.push({ name: 'event store', close: () => store.close() });
    const documents = await createDocumentStore({ mongoUrl: config.MONGO_URL, databaseUrl });
    closers.push({ name: 'document store', close: () => documents.close() });

    // The sandbox gateway stands in for the payment provider, unless one is configured.
    let sandbox: RunningSandboxGateway | undefined;
    if (config.PAYMENT_GATEWAY_URL === undefined) {
      sandbox = await startSandboxGateway({ port: config.GATEWAY_PORT, host: config.HOST, ...sandboxOptions });
      const running = sandbox;
      closers.push({ name: 'sandbox gateway', close: () => running.close() });
    }
    const gatewayUrl = config.PAYMENT_GATEWAY_URL ?? sandbox?.url ?? '';
    const gateway = createHttpPaymentGateway({ baseUrl: gatewayUrl, logger });

    const commandApp: HttpApp = await buildCommandApp({ config, store, databaseUrl, logger });
    const seeded = options.seed ? await seedDemoCatalog(store) : [];

    const projections = await startProjectionService({ store, pool, documents, logger });
    closers.push({ name: 'projections', close: () => projections.stop() });

    const brokers = config.KAFKA_BROKERS;
    if (brokers.length > 0) {
      const forwarder = createKafkaForwarder({ brokers, store, logger, ...forwarderOptionsFromEnv() });
      const running = startProcessor(forwarder.definition, { store, pool, logger });
      closers.push({ name: 'Kafka forwarder', close: () => running.stop().then(() => forwarder.close()) });
    }

    const saga = await startCheckoutWorker({ store, pool, gateway, logger, config: { policy: checkoutPolicy } });
    closers.push({ name: 'checkout saga', close: () => saga.stop() });

    const watcher = createCheckpointWatcher({ pool, logger });
    closers.push({ name: 'checkpoint watcher', close: () => watcher.close() });
    const queryApp = await buildQueryApp({
      config,
      readModels: createReadModels(documents, createPostgresCatalogReader(pool)),
      watcher,
      logger,
      ...queryOptions,
    });
    const queryUrl = await queryApp.listen({ host: config.HOST, port: config.QUERY_PORT });
    closers.push({ name: 'query API', close: () => queryApp.close() });

    // Last to open, first to close: commands in flight drain before the saga and the processors stop.
    const commandUrl = await commandApp.listen({ host: config.HOST, port: config.COMMAND_PORT });
    closers.push({ name: 'command API', close: () => commandApp.close() });

    return {
      urls: { command: commandUrl, query: queryUrl, gateway: gatewayUrl },
      databaseUrl,
      embeddedPostgres: embedded !== undefined,
      documentStore: config.MONGO_URL === undefined ? 'postgresql' : 'mongodb',
      eventStore: config.EVENTSTORE_URL?.startsWith('esdb') === true ? 'eventstoredb' : 'postgresql',
      kafka: brokers.length > 0,
      seeded,
      logger,
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
