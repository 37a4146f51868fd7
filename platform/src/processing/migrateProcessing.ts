import type pg from 'pg';
import { migrate } from '../postgres/migrate.js';
import { processingMigrations } from './schema.js';

const migrated = new WeakMap<pg.Pool, Promise<unknown>>();

/** Creates (or upgrades) the `processing` schema; once per pool, shared by every caller. */
export async function migrateProcessing(pool: pg.Pool): Promise<void> {
  let done = migrated.get(pool);
  if (done === undefined) {
    done = migrate(pool, 'processing', processingMigrations);
    migrated.set(pool, done);
    done.catch(() => migrated.delete(pool));
  }
  await done;
}
