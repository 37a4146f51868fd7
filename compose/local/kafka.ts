import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { createHash } from 'node:crypto';
import path from 'node:path';
import { promisify } from 'node:util';
import { Kafka, logLevel, Partitioners } from 'kafkajs';
import { portFromEnv, type InfraComponent, type InfraContext } from './component.js';
import { assertPortFree, readPid, startDaemon, stopDaemon, waitUntil } from './daemon.js';

const execFileAsync = promisify(execFile);

function paths(ctx: InfraContext) {
  const port = portFromEnv('INFRA_KAFKA_PORT', 59092);
  const controllerPort = portFromEnv('INFRA_KAFKA_CONTROLLER_PORT', port + 1);
  const home = path.join(ctx.stateDir, 'kafka');
  const recipe = path.join(ctx.root, 'compose', 'local', 'kafka');
  return {
    port,
    controllerPort,
    brokers: `127.0.0.1:${port}`,
    pom: path.join(recipe, 'pom.xml'),
    template: path.join(recipe, 'server.properties'),
    log4j: path.join(recipe, 'log4j.properties'),
    libs: path.join(home, 'libs'),
    config: path.join(home, 'server.properties'),
    dataDir: path.join(home, 'data'),
    pidFile: path.join(home, 'kafka.pid'),
    // The broker logs through log4j to server.log; stdout only catches JVM start-up failures.
    logFile: path.join(ctx.logDir, 'kafka', 'server.log'),
    stdoutFile: path.join(ctx.logDir, 'kafka', 'stdout.log'),
    serverLogDir: path.join(ctx.logDir, 'kafka'),
  };
}

type Paths = ReturnType<typeof paths>;

/** Kafka (KRaft, one combined broker/controller) from Maven Central jars, run with `java`. */
export const kafka: InfraComponent = {
  name: 'kafka',
  async up(ctx) {
    const p = paths(ctx);
    const running = await readPid(p.pidFile);
    if (running !== undefined && (await healthy(p.brokers))) return { ...(await describe(ctx, true)), alreadyRunning: true };
    if (running !== undefined) await stopDaemon(p.pidFile);
    await assertPortFree('Kafka', p.port);
    await assertPortFree('Kafka', p.controllerPort);
    await resolveJars(p, ctx);
    await configure(p);
    await formatOnce(p);
    const pid = await startDaemon({
      name: 'kafka',
      command: 'java',
      args: [...jvmArgs(p), 'kafka.Kafka', p.config],
      pidFile: p.pidFile,
      logFile: p.stdoutFile,
    });
    await waitUntil('Kafka', () => healthy(p.brokers), { timeoutMs: 120_000, pid, logFile: p.logFile });
    await warmUp(p.brokers);
    return { ...(await describe(ctx, true)), alreadyRunning: false };
  },
  async down(ctx) {
    return stopDaemon(paths(ctx).pidFile, 60_000);
  },
  async status(ctx) {
    const p = paths(ctx);
    return describe(ctx, (await readPid(p.pidFile)) !== undefined && (await healthy(p.brokers)));
  },
};

async function describe(ctx: InfraContext, running: boolean) {
  const p = paths(ctx);
  const jar = (await readdir(p.libs).catch(() => [])).find((f) => /^kafka_2\.13-.*\.jar$/.test(f));
  const version = jar === undefined ? 'Kafka (jars not resolved)' : `Kafka ${jar.replace(/^kafka_2\.13-|\.jar$/g, '')} (KRaft)`;
  return { name: 'kafka', running, listen: p.brokers, logFile: p.logFile, version, env: { KAFKA_BROKERS: p.brokers } };
}

function jvmArgs(p: Paths): string[] {
  return [
    // A small dev node: serial GC and C1 only start faster and keep RSS near 160 MiB (G1 with -Xms256m: 264 MiB).
    '-Xms64m',
    '-Xmx512m',
    '-XX:+UseSerialGC',
    '-XX:TieredStopAtLevel=1',
    '-XX:+ExitOnOutOfMemoryError',
    '-Djava.awt.headless=true',
    `-Dkafka.logs.dir=${p.serverLogDir}`,
    `-Dlog4j.configuration=file:${p.log4j}`,
    '-cp',
    `${p.libs}/*`,
  ];
}

/** `mvn dependency:copy-dependencies` from the pom (jars cached in ~/.m2); redone only when the pom changes. */
async function resolveJars(p: Paths, ctx: InfraContext): Promise<void> {
  const pomHash = createHash('sha256')
    .update(await readFile(p.pom))
    .digest('hex');
  const marker = path.join(p.libs, '.resolved');
  if ((await readFile(marker, 'utf8').catch(() => '')) === pomHash) return;
  ctx.log('kafka: resolving broker jars from Maven Central (first run only)…');
  // copy-dependencies never deletes: start empty so a version change cannot leave two Kafkas on the classpath.
  await rm(p.libs, { recursive: true, force: true });
  await execFileAsync(
    'mvn',
    ['-B', '-q', '-f', p.pom, 'dependency:copy-dependencies', `-DoutputDirectory=${p.libs}`, '-DincludeScope=runtime'],
    {
      maxBuffer: 64 * 1024 * 1024,
    },
  );
  await writeFile(marker, pomHash);
}

async function configure(p: Paths): Promise<void> {
  const template = await readFile(p.template, 'utf8');
  const config = template
    .replaceAll('@BROKER_PORT@', String(p.port))
    .replaceAll('@CONTROLLER_PORT@', String(p.controllerPort))
    .replaceAll('@DATA_DIR@', p.dataDir);
  await mkdir(path.dirname(p.config), { recursive: true });
  await mkdir(p.serverLogDir, { recursive: true });
  await writeFile(p.config, config);
}

/** Formats the KRaft storage once, with a fresh cluster id. */
async function formatOnce(p: Paths): Promise<void> {
  if (existsSync(path.join(p.dataDir, 'meta.properties'))) return;
  const clusterId = kafkaUuid();
  await execFileAsync('java', [...jvmArgs(p), 'kafka.tools.StorageTool', 'format', '-t', clusterId, '-c', p.config], {
    maxBuffer: 16 * 1024 * 1024,
  });
}

/** Kafka's Uuid text form: 16 random bytes, URL-safe base64 without padding, never starting with '-'. */
function kafkaUuid(): string {
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

/** Healthy when a topic can be created and listed. */
async function healthy(brokers: string): Promise<boolean> {
  const admin = new Kafka({
    brokers: [brokers],
    clientId: 'orderflow-infra',
    connectionTimeout: 1_000,
    retry: { retries: 0 },
    logLevel: logLevel.NOTHING,
  }).admin();
  try {
    await admin.connect();
    const topic = '__orderflow_infra_health';
    await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
    return (await admin.listTopics()).includes(topic);
  } catch {
    return false;
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

/**
 * Loads the group and transaction coordinators once, so that the first consumer group and idempotent producer of
 * a test do not log "coordinator is loading" errors while kafkajs retries.
 */
async function warmUp(brokers: string): Promise<void> {
  const kafka = new Kafka({ brokers: [brokers], clientId: 'orderflow-infra-warmup', logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  const producer = kafka.producer({ idempotent: true, createPartitioner: Partitioners.DefaultPartitioner });
  try {
    await admin.connect();
    await admin.describeGroups(['__orderflow_warmup']);
    await producer.connect();
    await producer.send({ topic: '__orderflow_infra_health', acks: -1, messages: [{ value: 'warm-up' }] });
  } finally {
    await producer.disconnect().catch(() => undefined);
    await admin.disconnect().catch(() => undefined);
  }
}
