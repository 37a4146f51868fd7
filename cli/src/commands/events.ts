import { createWriteStream } from 'node:fs';
import { finished } from 'node:stream/promises';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { SingleBar } from 'cli-progress';
import { Command, InvalidArgumentError, Option } from 'commander';
import {
  createEventStore,
  createKafkaPublisher,
  createLogger,
  findRepoRoot,
  loadConfig,
  parsePosition,
  type EventFilter,
  type EventStore,
  type Position,
} from '@orderflow/platform';
import { exportEvents, humanLine, replayToKafka, type ExportFormat } from '@orderflow/projection-service';
import { cleanly } from './cleanly.js';
import { withOperatorDatabase } from './operatorDatabase.js';

interface StoreOptions {
  readonly dataDir: string;
  readonly pgPort: number;
}

/** `orderflow events export|replay|tail`: the event log for analysts and operators (issue 7). */
export function eventsCommand(): Command {
  return new Command('events')
    .description('the global event log: export it, replay it into Kafka, follow it')
    .addCommand(exportCommand())
    .addCommand(replayCommand())
    .addCommand(tailCommand());
}

function exportCommand(): Command {
  return withStoreOptions(new Command('export'))
    .description('stream the global log (or a filtered part of it) as NDJSON or CSV to a file or stdout; progress on stderr')
    .addOption(
      new Option('--from <position>', 'export after this position, or from the start').default('start').argParser(positionOr('start')),
    )
    .addOption(
      new Option('--to <position>', 'up to this position (inclusive), or the head when the export starts')
        .default('end')
        .argParser(positionOr('end')),
    )
    .option('--type <type...>', 'only these event types')
    .option('--stream-prefix <prefix...>', 'only streams starting with one of these prefixes')
    .addOption(new Option('--format <format>', 'output format').choices(['ndjson', 'csv']).default('ndjson'))
    .option('--out <file>', 'write to this file instead of stdout')
    .action(
      cleanly(
        async (
          opts: StoreOptions & {
            from: Position | 'start';
            to: Position | 'end';
            type?: string[];
            streamPrefix?: string[];
            format: ExportFormat;
            out?: string;
          },
        ) => {
          const out = opts.out === undefined ? process.stdout : createWriteStream(opts.out);
          const progress = counterBar('exported', opts.out !== undefined || !process.stdout.isTTY);
          const result = await withStore(opts, (store, signal) =>
            exportEvents({
              store,
              from: opts.from,
              to: opts.to,
              filter: filterOf(opts),
              format: opts.format,
              out,
              signal,
              onProgress: (count, position) => {
                progress.update(count, position);
              },
            }),
          ).finally(() => {
            progress.stop();
          });
          if (out !== process.stdout) {
            out.end();
            await finished(out);
          }
          process.stderr.write(
            `exported ${result.exported} events${result.last === undefined ? '' : ` up to ${result.last}`}${opts.out === undefined ? '' : ` to ${opts.out}`}\n`,
          );
        },
      ),
    );
}

function replayCommand(): Command {
  return withStoreOptions(new Command('replay'))
    .description('republish history into fresh Kafka topics (<topic><suffix>), resumable from a checkpoint file')
    .requiredOption('--to-kafka', 'publish to Kafka (the only target)')
    .addOption(
      new Option('--from <position>', 'republish the events after this position, or from the start')
        .default('start')
        .argParser(positionOr('start')),
    )
    .requiredOption('--topic-suffix <suffix>', 'appended to every topic name after a dot, e.g. r2 → orderflow.orders.v1.r2', topicSuffix)
    .option('--brokers <list>', 'Kafka brokers (default: KAFKA_BROKERS)')
    .option('--topic-prefix <prefix>', 'topic name prefix', 'orderflow.')
    .option('--partitions <n>', 'partitions of the fresh topics', positiveInt, 6)
    .option('--replication <n>', 'replication factor of the fresh topics', positiveInt, 1)
    .option('--checkpoint <file>', 'checkpoint file (default: <data dir>/replay/<suffix>.json); rerun to resume')
    .action(
      cleanly(
        async (
          opts: StoreOptions & {
            from: Position | 'start';
            topicSuffix: string;
            brokers?: string;
            topicPrefix: string;
            partitions: number;
            replication: number;
            checkpoint?: string;
          },
        ) => {
          const config = loadConfig();
          const brokers =
            opts.brokers
              ?.split(',')
              .map((b) => b.trim())
              .filter(Boolean) ?? config.KAFKA_BROKERS;
          if (brokers.length === 0) throw new Error('no Kafka brokers: set KAFKA_BROKERS or pass --brokers');
          const checkpointFile = path.resolve(
            opts.checkpoint ?? path.join(findRepoRoot(), opts.dataDir, 'replay', `${opts.topicSuffix}.json`),
          );
          const publisher = createKafkaPublisher({
            brokers,
            clientId: `orderflow-replay-${opts.topicSuffix}`,
            logger: createLogger('orderflow-replay', 'warn'),
            naming: { prefix: opts.topicPrefix, suffix: `.${opts.topicSuffix}` },
            topics: { partitions: opts.partitions, replicationFactor: opts.replication },
          });
          process.stderr.write(`replaying into ${publisher.topics.join(', ')} (checkpoint ${checkpointFile})\n`);
          const progress = counterBar('published', true);
          try {
            const result = await withStore(opts, (store, signal) =>
              replayToKafka({
                store,
                publisher,
                suffix: opts.topicSuffix,
                checkpointFile,
                from: opts.from,
                signal,
                onProgress: (state) => {
                  progress.update(state.published, state.position);
                },
              }),
            );
            progress.stop();
            process.stderr.write(
              `${result.resumed ? 'resumed and ' : ''}published ${result.published} events up to ${result.position} (head at start: ${result.to})\n`,
            );
          } finally {
            progress.stop();
            await publisher.close();
          }
        },
      ),
    );
}

function tailCommand(): Command {
  return withStoreOptions(new Command('tail'))
    .description('follow the live log, one line per event (Ctrl-C stops)')
    .addOption(
      new Option('--from <position>', 'start after this position, from the start, or at the end')
        .default('end')
        .argParser(positionOr('start', 'end')),
    )
    .option('--type <type...>', 'only these event types')
    .option('--stream-prefix <prefix...>', 'only streams starting with one of these prefixes')
    .option('--json', 'print NDJSON instead of one human line per event')
    .action(
      cleanly(
        async (opts: StoreOptions & { from: Position | 'start' | 'end'; type?: string[]; streamPrefix?: string[]; json?: boolean }) => {
          await withStore(opts, async (store, signal) => {
            const width = process.stdout.columns || 160;
            const filter = filterOf(opts);
            for await (const item of store.subscribeToAll({ from: opts.from, signal, ...(filter && { filter }) })) {
              if (item.kind !== 'event') continue;
              const line =
                opts.json === true
                  ? `${JSON.stringify({ ...item.event, revision: Number(item.event.revision) })}\n`
                  : humanLine(item.event, width);
              if (!process.stdout.write(line)) await new Promise((resolve) => process.stdout.once('drain', resolve));
            }
          });
        },
      ),
    );
}

function withStoreOptions(command: Command): Command {
  return command
    .addOption(new Option('--data-dir <dir>', 'the embedded PostgreSQL data folder (when DATABASE_URL is unset)').default('.data'))
    .addOption(new Option('--pg-port <port>', 'embedded PostgreSQL port').env('ORDERFLOW_PG_PORT').default(54329).argParser(positiveInt));
}

/**
 * Opens the event store the engine uses (EVENTSTORE_URL, else DATABASE_URL, else the embedded PostgreSQL, started for
 * the command and stopped afterwards when `orderflow start` is not running), and aborts `work` on Ctrl-C.
 */
async function withStore<T>(opts: StoreOptions, work: (store: EventStore, signal: AbortSignal) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const embedded = config.DATABASE_URL === undefined && config.EVENTSTORE_URL === undefined;
  return withOperatorDatabase(opts, embedded, async (embeddedUrl, signal) => {
    const store = await createEventStore({
      ...(config.EVENTSTORE_URL === undefined ? {} : { eventStoreUrl: config.EVENTSTORE_URL }),
      databaseUrl: config.DATABASE_URL ?? embeddedUrl ?? '',
    });
    try {
      return await work(store, signal);
    } finally {
      await store.close();
    }
  });
}

function filterOf(opts: { type?: string[]; streamPrefix?: string[] }): EventFilter | undefined {
  if (opts.type === undefined && opts.streamPrefix === undefined) return undefined;
  return { ...(opts.type && { eventTypes: opts.type }), ...(opts.streamPrefix && { streamPrefixes: opts.streamPrefix }) };
}

/** A running count with its rate on stderr (redrawn on a terminal, a line every few seconds otherwise). */
function counterBar(verb: string, enabled: boolean) {
  const began = performance.now();
  const bar = new SingleBar({
    format: `{value} events ${verb} | {rate} events/s | at {position}`,
    stream: process.stderr,
    noTTYOutput: enabled,
    notTTYSchedule: 5_000,
    hideCursor: true,
  });
  let started = false;
  return {
    update(count: number, position: string) {
      if (!enabled) return;
      const rate = Math.round(count / Math.max(0.001, (performance.now() - began) / 1000));
      if (!started) bar.start(0, 0, { rate, position });
      started = true;
      bar.update(count, { rate, position });
    },
    stop() {
      if (started) bar.stop();
      started = false;
    },
  };
}

function positionOr<const Word extends string>(...words: Word[]) {
  return (value: string): Position | Word => {
    if ((words as string[]).includes(value)) return value as Word;
    try {
      return parsePosition(value);
    } catch {
      throw new InvalidArgumentError(`expected ${words.join(' or ')} or a position like 0000000000000312/0000000000000007`);
    }
  };
}

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n <= 0) throw new InvalidArgumentError('expected a positive integer');
  return n;
}

function topicSuffix(value: string): string {
  if (!/^[A-Za-z0-9][A-Za-z0-9_-]{0,62}$/.test(value)) throw new InvalidArgumentError('letters, digits, _ or -, up to 63 characters');
  return value;
}
