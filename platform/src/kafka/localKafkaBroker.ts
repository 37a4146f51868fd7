import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, open, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { Kafka, logLevel } from 'kafkajs';
import { freePort } from '../freePort.js';
import { findRepoRoot } from '../infraEnv.js';

const execFileAsync = promisify(execFile);

/** A single-node KRaft broker of its own (port, data folder), for tests that must stop and restart a broker. */
export interface LocalKafkaBroker {
  /** `127.0.0.1:<port>`. */
  readonly brokers: string;
  /** Starts it again on the same port and data (after `stop`), resolving once it serves requests. */
  start(): Promise<void>;
  /** Controlled shutdown (SIGTERM), SIGKILL after 30 s. */
  stop(): Promise<void>;
  /** Stops it and deletes its data. */
  destroy(): Promise<void>;
}

/**
 * Runs the broker jars that `pnpm infra:up` resolved (`.infra/kafka/libs`; resolved here from the recipe's pom with
 * `mvn` when absent) with the recipe's server.properties template (compose/local/kafka), on two free ports and a
 * temporary data folder. Needs `java` and `mvn`.
 */
export async function startLocalKafkaBroker(options: { readonly root?: string } = {}): Promise<LocalKafkaBroker> {
  const root = options.root ?? findRepoRoot();
  const libs = path.join(root, '.infra', 'kafka', 'libs');
  const recipe = path.join(root, 'compose', 'local', 'kafka');
  if (!existsSync(libs))
    await execFileAsync(
      'mvn',
      [
        '-B',
        '-q',
        '-f',
        path.join(recipe, 'pom.xml'),
        'dependency:copy-dependencies',
        `-DoutputDirectory=${libs}`,
        '-DincludeScope=runtime',
      ],
      { maxBuffer: 64 << 20 },
    );
  const home = await mkdtemp(path.join(tmpdir(), 'orderflow-kafka-'));
  const [port, controllerPort] = [await freePort(), await freePort()];
  const config = path.join(home, 'server.properties');
  const logFile = path.join(home, 'stdout.log');
  await writeFile(
    config,
    (await readFile(path.join(recipe, 'server.properties'), 'utf8'))
      .replaceAll('@BROKER_PORT@', String(port))
      .replaceAll('@CONTROLLER_PORT@', String(controllerPort))
      .replaceAll('@DATA_DIR@', path.join(home, 'data')),
  );
  const jvm = [
    '-Xms64m',
    '-Xmx384m',
    '-XX:+UseSerialGC',
    '-XX:TieredStopAtLevel=1',
    '-Djava.awt.headless=true',
    `-Dkafka.logs.dir=${path.join(home, 'logs')}`,
    `-Dlog4j.configuration=file:${path.join(recipe, 'log4j.properties')}`,
    '-cp',
    `${libs}/*`,
  ];
  await mkdir(path.join(home, 'logs'), { recursive: true });
  await execFileAsync('java', [...jvm, 'kafka.tools.StorageTool', 'format', '-t', kafkaUuid(), '-c', config], { maxBuffer: 16 << 20 });
  const brokers = `127.0.0.1:${port}`;
  let child: ChildProcess | undefined;

  async function start(): Promise<void> {
    if (child !== undefined) return;
    const log = await open(logFile, 'a');
    try {
      child = spawn('java', [...jvm, 'kafka.Kafka', config], { stdio: ['ignore', log.fd, log.fd] });
    } finally {
      await log.close();
    }
    const started = child;
    const deadline = Date.now() + 120_000;
    while (!(await serves(brokers))) {
      if (started.exitCode !== null) throw new Error(`Kafka exited during start; see ${path.join(home, 'logs')}`);
      if (Date.now() > deadline) throw new Error(`Kafka on ${brokers} not ready after 120 s`);
      await sleep(250);
    }
  }

  async function stop(): Promise<void> {
    const running = child;
    child = undefined;
    if (running === undefined || running.exitCode !== null) return;
    const exited = new Promise((resolve) => running.once('exit', resolve));
    running.kill('SIGTERM');
    const timer = setTimeout(() => running.kill('SIGKILL'), 30_000);
    await exited;
    clearTimeout(timer);
  }

  await start();
  return {
    brokers,
    start,
    stop,
    async destroy() {
      await stop();
      await rm(home, { recursive: true, force: true });
    },
  };
}

/**
 * Kafka's own console consumer (`org.apache.kafka.tools.consumer.ConsoleConsumer`, Java, not kafkajs) reading `topic`
 * from the beginning: the record lines as `key<TAB>value`. The kafka-tools jar is fetched with Maven once.
 */
export async function runKafkaConsoleConsumer(options: {
  readonly brokers: string;
  readonly topic: string;
  readonly maxMessages: number;
  readonly timeoutMs?: number;
  readonly root?: string;
}): Promise<string[]> {
  const root = options.root ?? findRepoRoot();
  const tools = path.join(root, '.infra', 'kafka', 'tools');
  const jar = path.join(tools, 'kafka-tools-3.9.2.jar');
  if (!existsSync(jar))
    await execFileAsync(
      'mvn',
      ['-B', '-q', 'dependency:copy', '-Dartifact=org.apache.kafka:kafka-tools:3.9.2', `-DoutputDirectory=${tools}`],
      {
        maxBuffer: 64 << 20,
      },
    );
  const classpath = `${path.join(root, '.infra', 'kafka', 'libs')}/*:${tools}/*`;
  const { stdout } = await execFileAsync(
    'java',
    [
      '-Xmx128m',
      '-XX:+UseSerialGC',
      '-XX:TieredStopAtLevel=1',
      '-cp',
      classpath,
      'org.apache.kafka.tools.consumer.ConsoleConsumer',
      '--bootstrap-server',
      options.brokers,
      '--topic',
      options.topic,
      '--from-beginning',
      '--max-messages',
      String(options.maxMessages),
      '--timeout-ms',
      String(options.timeoutMs ?? 30_000),
      '--property',
      'print.key=true',
      '--property',
      'key.separator=\t',
    ],
    { maxBuffer: 256 << 20 },
  );
  return stdout.split('\n').filter((line) => line !== '');
}

async function serves(brokers: string): Promise<boolean> {
  const admin = new Kafka({ brokers: [brokers], connectionTimeout: 1_000, retry: { retries: 0 }, logLevel: logLevel.NOTHING }).admin();
  try {
    await admin.connect();
    await admin.listTopics();
    return true;
  } catch {
    return false;
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

/** Kafka's Uuid text form: 16 random bytes, URL-safe base64 without padding, never starting with '-'. */
function kafkaUuid(): string {
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}
