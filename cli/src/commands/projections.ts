import { SingleBar } from 'cli-progress';
import { Argument, Command, InvalidArgumentError, Option } from 'commander';
import pg from 'pg';
import { pino } from 'pino';
import {
  createDocumentStore,
  createEventStore,
  createLogger,
  dropDeadLetters,
  listDeadLetters,
  listProcessors,
  loadConfig,
  processorStatus,
  rebuildProcessor,
  resetProcessor,
  retryDeadLetters,
  type DocumentStore,
  type EventStore,
  type ProcessorStatus,
} from '@orderflow/platform';
import { createProjectors, type Projector } from '@orderflow/projection-service';
import { cleanly } from './cleanly.js';
import { withOperatorDatabase } from './operatorDatabase.js';

interface ConnectOptions {
  readonly dataDir: string;
  readonly pgPort: number;
}

interface Engine {
  readonly store: EventStore;
  readonly pool: pg.Pool;
  readonly documents: DocumentStore;
  /** Fresh definitions, never shared with a running instance. */
  readonly projectors: readonly Projector[];
  readonly signal: AbortSignal;
}

/** `orderflow projections list | status | rebuild | reset | dead-letters`: operators' view of the read models' processors. */
export function projectionsCommand(): Command {
  const command = new Command('projections').description('processors of the read models: status and lag, rebuild, reset, dead letters');
  command.addCommand(
    connectOptions(new Command('list'))
      .description('every processor known to this database, one line each: checkpoint, lag, owner, dead letters')
      .action(
        cleanly(async (opts: ConnectOptions) => {
          const statuses = await withEngine(opts, (engine) => allStatuses(engine));
          process.stdout.write(table(statuses));
        }),
      ),
  );
  command.addCommand(
    connectOptions(new Command('status'))
      .description('checkpoint, lag (events and seconds behind), lease owner and dead letters of one processor or of all')
      .argument('[name]', 'a processor')
      .action(
        cleanly(async (name: string | undefined, opts: ConnectOptions) => {
          const statuses = await withEngine(opts, async (engine) => {
            if (name === undefined) return allStatuses(engine);
            await knownName(engine, name);
            return [await processorStatus(engine.pool, engine.store, name, filterOf(engine, name))];
          });
          process.stdout.write(statuses.map(details).join('\n'));
        }),
      ),
  );
  command.addCommand(
    connectOptions(new Command('rebuild'))
      .description('rebuild a read model from the start of the log (the running instance pauses and resumes after it)')
      .argument('<name>', 'a projector')
      .option('--blue-green', 'fill a shadow while the live model keeps serving, then swap it in atomically')
      .option('--strict', 'stop at the first event that still fails after its retries instead of parking it')
      .option('--lease-wait <seconds>', 'wait this long for the running instance to yield before taking its lease', seconds, 0)
      .action(
        cleanly(async (name: string, opts: ConnectOptions & { blueGreen?: boolean; strict?: boolean; leaseWait: number }) => {
          const result = await withEngine(opts, async (engine) => {
            const projector = engine.projectors.find((p) => p.name === name);
            if (projector === undefined)
              throw new Error(
                `no projector named "${name}"; rebuildable: ${engine.projectors
                  .map((p) => p.name)
                  .sort()
                  .join(', ')}`,
              );
            await projector.ensure();
            const bar = progressBar();
            try {
              return await rebuildProcessor(projector, {
                store: engine.store,
                pool: engine.pool,
                blueGreen: opts.blueGreen === true,
                strict: opts.strict === true,
                leaseWaitMs: opts.leaseWait * 1000,
                signal: engine.signal,
                logger: quietLogger(),
                onProgress: (p) => {
                  bar.update(p.processed, p.total, Math.round(p.eventsPerSecond), p.etaSeconds);
                },
              });
            } finally {
              bar.stop();
            }
          });
          process.stdout.write(
            `rebuilt ${name}${opts.blueGreen === true ? ' (blue-green)' : ''}: ${result.processed} events in ${result.seconds.toFixed(1)} s ` +
              `(${Math.round(result.eventsPerSecond)} events/s), checkpoint ${result.checkpoint ?? 'none'}\n`,
          );
        }),
      ),
  );
  command.addCommand(
    connectOptions(new Command('reset'))
      .description('set the checkpoint back to the start: the processor replays the whole log over its model')
      .argument('<name>', 'a processor')
      .option('--force', 'also when an instance is running: its lease is taken away and it starts over')
      .action(
        cleanly(async (name: string, opts: ConnectOptions & { force?: boolean }) => {
          await withEngine(opts, async (engine) => {
            await knownName(engine, name);
            await resetProcessor(engine.pool, name, { force: opts.force === true, logger: quietLogger() });
          });
          process.stdout.write(`reset ${name}: it replays from the start of the log\n`);
        }),
      ),
  );
  command.addCommand(
    connectOptions(new Command('dead-letters'))
      .description('events parked after their retries: list them, retry them through the processor, or drop them')
      .addArgument(new Argument('[action]').choices(['list', 'retry', 'drop']).default('list'))
      .option('--processor <name>', 'only this processor’s')
      .option('--id <id...>', 'only these dead letters')
      .action(
        cleanly(async (action: 'list' | 'retry' | 'drop', opts: ConnectOptions & { processor?: string; id?: string[] }) => {
          const out = await withEngine(opts, async (engine) => {
            if (opts.processor !== undefined) await knownName(engine, opts.processor);
            const parked = (await listDeadLetters(engine.pool, opts.processor)).filter(
              (d) => opts.id === undefined || opts.id.includes(d.id),
            );
            if (action === 'list') return deadLetterTable(parked);
            if (action === 'drop') {
              if (opts.id === undefined && opts.processor === undefined) throw new Error('drop needs --processor or --id');
              const dropped = await dropDeadLetters(
                engine.pool,
                opts.id === undefined ? { processor: opts.processor ?? '' } : { ids: parked.map((d) => d.id) },
              );
              return `dropped ${dropped} dead letter(s)\n`;
            }
            const lines: string[] = [];
            for (const processor of new Set(parked.map((d) => d.processor))) {
              const definition = engine.projectors.find((p) => p.name === processor);
              if (definition === undefined) throw new Error(`cannot retry dead letters of "${processor}": it is not a projector`);
              const ids = parked.filter((d) => d.processor === processor).map((d) => d.id);
              const outcome = await retryDeadLetters(engine.pool, definition, ids);
              lines.push(`${processor}: retried ${outcome.retried.length}, still failing ${outcome.failed.length}`);
              for (const f of outcome.failed) lines.push(`  ${f.id}: ${f.error}`);
            }
            if (lines.length === 0) lines.push('no dead letters to retry');
            return `${lines.join('\n')}\n`;
          });
          process.stdout.write(out);
        }),
      ),
  );
  return command;
}

function connectOptions(command: Command): Command {
  return command
    .addOption(new Option('--data-dir <dir>', 'the embedded PostgreSQL data folder (when DATABASE_URL is unset)').default('.data'))
    .addOption(new Option('--pg-port <port>', 'embedded PostgreSQL port').env('ORDERFLOW_PG_PORT').default(54329).argParser(port));
}

/**
 * Connects to the engine's databases: DATABASE_URL (else the embedded PostgreSQL of `orderflow start`, started for
 * the command when it is not running), EVENTSTORE_URL for the log, MONGO_URL for the document models.
 */
async function withEngine<T>(opts: ConnectOptions, work: (engine: Engine) => Promise<T>): Promise<T> {
  const config = loadConfig();
  return withOperatorDatabase(opts, config.DATABASE_URL === undefined, async (embeddedUrl, signal) => {
    const databaseUrl = config.DATABASE_URL ?? embeddedUrl ?? '';
    const pool = new pg.Pool({ connectionString: databaseUrl, max: 4 });
    pool.on('error', () => undefined);
    let store: EventStore | undefined;
    let documents: DocumentStore | undefined;
    try {
      store = await createEventStore({
        ...(config.EVENTSTORE_URL === undefined ? {} : { eventStoreUrl: config.EVENTSTORE_URL }),
        databaseUrl,
      });
      documents = await createDocumentStore({ mongoUrl: config.MONGO_URL, databaseUrl });
      return await work({ store, pool, documents, projectors: createProjectors({ pool, documents }), signal });
    } finally {
      await Promise.allSettled([store?.close(), documents?.close()]);
      await pool.end();
    }
  });
}

const filterOf = (engine: Engine, name: string) => engine.projectors.find((p) => p.name === name)?.filter;

/** The projectors (even before their first run) and every other processor that ran against this database. */
async function allStatuses(engine: Engine): Promise<ProcessorStatus[]> {
  const filters = Object.fromEntries(engine.projectors.flatMap((p) => (p.filter === undefined ? [] : [[p.name, p.filter] as const])));
  const ran = await listProcessors(engine.pool, engine.store, filters);
  const missing = engine.projectors.filter((p) => !ran.some((s) => s.name === p.name));
  const never = await Promise.all(missing.map((p) => processorStatus(engine.pool, engine.store, p.name, p.filter)));
  return [...ran, ...never].sort((a, b) => a.name.localeCompare(b.name));
}

/** Refuses a name that is neither a projector nor a processor that ever ran here, naming the known ones. */
async function knownName(engine: Engine, name: string): Promise<void> {
  if (engine.projectors.some((p) => p.name === name)) return;
  const known = (await listProcessors(engine.pool)).map((s) => s.name);
  if (known.includes(name)) return;
  const all = [...new Set([...engine.projectors.map((p) => p.name), ...known])].sort();
  throw new Error(`unknown processor "${name}"; known: ${all.join(', ')}`);
}

function table(statuses: readonly ProcessorStatus[]): string {
  const head = `${'processor'.padEnd(20)}${'checkpoint'.padEnd(36)}${'behind'.padStart(10)}${'seconds'.padStart(10)}  ${'dead'.padStart(5)}  owner\n`;
  return (
    head +
    statuses
      .map(
        (s) =>
          `${s.name.padEnd(20)}${(s.checkpoint ?? '-').padEnd(36)}${String(s.eventsBehind).padStart(10)}${s.secondsBehind.toFixed(1).padStart(10)}  ${String(s.deadLetters).padStart(5)}  ${s.owner ?? '-'}\n`,
      )
      .join('')
  );
}

function details(s: ProcessorStatus): string {
  return [
    s.name,
    `  checkpoint     ${s.checkpoint ?? 'none (from the start)'}`,
    `  lag            ${s.eventsBehind} events, ${s.secondsBehind.toFixed(1)} s behind`,
    `  owner          ${s.owner === undefined ? 'none (not running)' : `${s.owner}, heartbeat ${s.heartbeatAt?.toISOString() ?? '-'}`}`,
    `  dead letters   ${s.deadLetters}`,
    '',
  ].join('\n');
}

function deadLetterTable(
  parked: readonly {
    id: string;
    processor: string;
    position: string;
    streamId: string;
    eventType: string;
    attempts: number;
    parkedAt: Date;
    error: string;
  }[],
): string {
  const rows = parked.map(
    (d) =>
      `${d.id.padEnd(8)}${d.processor.padEnd(16)}${d.position.padEnd(36)}${d.eventType.padEnd(22)}${d.streamId.padEnd(44)}${String(d.attempts).padStart(3)}  ${d.parkedAt.toISOString()}  ${d.error.split('\n')[0] ?? ''}\n`,
  );
  return `${'id'.padEnd(8)}${'processor'.padEnd(16)}${'position'.padEnd(36)}${'type'.padEnd(22)}${'stream'.padEnd(44)}${'try'.padStart(3)}  ${'parked at'.padEnd(24)}  error\n${rows.join('')}${parked.length} dead letter(s)\n`;
}

/** Rebuild progress on stderr: bar, events/s and ETA (redrawn on a terminal, a line every 5 s otherwise). */
function progressBar() {
  const bar = new SingleBar({
    format: '{bar} {percentage}% | {value}/{total} events | {rate} events/s | ETA {remaining}',
    stream: process.stderr,
    noTTYOutput: true,
    notTTYSchedule: 5_000,
    hideCursor: true,
  });
  let started = false;
  return {
    update(processed: number, total: number | undefined, rate: number, etaSeconds: number | undefined) {
      const remaining = etaSeconds === undefined ? '?' : `${Math.ceil(etaSeconds)} s`;
      const end = Math.max(total ?? processed, processed);
      if (!started) bar.start(end, processed, { rate, remaining });
      started = true;
      bar.setTotal(end);
      bar.update(processed, { rate, remaining });
    },
    stop() {
      if (started) bar.stop();
      started = false;
    },
  };
}

/** The runtime's own lines go to stderr, warnings and worse only: stdout stays the command's answer. */
const quietLogger = () => createLogger('orderflow-projections', 'warn', { format: 'json', destination: pino.destination(2) });

function port(value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n <= 0 || n > 65_535) throw new InvalidArgumentError('expected a port number');
  return n;
}

function seconds(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new InvalidArgumentError('expected seconds (0 or more)');
  return n;
}
