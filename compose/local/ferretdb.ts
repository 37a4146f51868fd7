import { execFile } from 'node:child_process';
import { mkdir, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { MongoClient } from 'mongodb';
import { portFromEnv, type InfraComponent, type InfraContext } from './component.js';
import { assertPortFree, readPid, startDaemon, stopDaemon, waitUntil } from './daemon.js';

const execFileAsync = promisify(execFile);
const version = 'FerretDB v1.24 (SQLite backend)';

function paths(ctx: InfraContext) {
  const port = portFromEnv('INFRA_MONGO_PORT', 57017);
  const home = path.join(ctx.stateDir, 'ferretdb');
  return {
    port,
    url: `mongodb://127.0.0.1:${port}/`,
    source: path.join(ctx.root, 'compose', 'local', 'ferretdb'),
    binary: path.join(home, 'bin', 'ferretdb'),
    dataDir: path.join(home, 'data'),
    pidFile: path.join(home, 'ferretdb.pid'),
    logFile: path.join(ctx.logDir, 'ferretdb.log'),
  };
}

/** A MongoDB-compatible server: FerretDB embedded in a few lines of Go (compose/local/ferretdb), built with `go build`. */
export const ferretdb: InfraComponent = {
  name: 'mongo',
  async up(ctx) {
    const p = paths(ctx);
    const running = await readPid(p.pidFile);
    if (running !== undefined && (await healthy(p.url))) return { ...describe(ctx, true), alreadyRunning: true };
    if (running !== undefined) await stopDaemon(p.pidFile);
    await assertPortFree('FerretDB', p.port);
    await build(p.source, p.binary);
    await mkdir(p.dataDir, { recursive: true });
    const pid = await startDaemon({
      name: 'ferretdb',
      command: p.binary,
      args: ['-listen', `127.0.0.1:${p.port}`, '-sqlite-dir', p.dataDir],
      pidFile: p.pidFile,
      logFile: p.logFile,
    });
    await waitUntil('FerretDB', () => healthy(p.url), { timeoutMs: 60_000, pid, logFile: p.logFile });
    return { ...describe(ctx, true), alreadyRunning: false };
  },
  async down(ctx) {
    return stopDaemon(paths(ctx).pidFile, 15_000);
  },
  async status(ctx) {
    const p = paths(ctx);
    return describe(ctx, (await readPid(p.pidFile)) !== undefined && (await healthy(p.url)));
  },
};

function describe(ctx: InfraContext, running: boolean) {
  const p = paths(ctx);
  return { name: 'mongo', running, listen: `127.0.0.1:${p.port}`, logFile: p.logFile, version, env: { MONGO_URL: p.url } };
}

/** `go build` through the module proxy; skipped while the binary is newer than every source file. */
async function build(source: string, binary: string): Promise<void> {
  const built = await stat(binary).then(
    (s) => s.mtimeMs,
    () => 0,
  );
  const sources = await readdir(source);
  const newest = Math.max(...(await Promise.all(sources.map((f) => stat(path.join(source, f)).then((s) => s.mtimeMs)))));
  if (built > newest) return;
  await mkdir(path.dirname(binary), { recursive: true });
  await execFileAsync('go', ['build', '-trimpath', '-o', binary, '.'], {
    cwd: source,
    env: { ...process.env, GOTOOLCHAIN: 'local', CGO_ENABLED: '0', GOFLAGS: '-mod=readonly' },
    maxBuffer: 16 * 1024 * 1024,
  });
}

/** Healthy when the official driver can insert and find. */
async function healthy(url: string): Promise<boolean> {
  const client = new MongoClient(url, { serverSelectionTimeoutMS: 1_000, connectTimeoutMS: 1_000 });
  try {
    const health = client.db('orderflow_infra').collection<{ _id: string; at: Date }>('health');
    const at = new Date();
    await health.updateOne({ _id: 'probe' }, { $set: { at } }, { upsert: true });
    return (await health.findOne({ _id: 'probe' }))?.at.getTime() === at.getTime();
  } catch {
    return false;
  } finally {
    await client.close().catch(() => undefined);
  }
}
