import { createHash } from 'node:crypto';
import type pg from 'pg';

export interface Migration {
  /** Strictly increasing from 1; never renumbered. */
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

export interface MigrationResult {
  readonly applied: readonly number[];
  readonly current: number;
}

/**
 * Applies `migrations` of `component` that are not yet applied, in one transaction under a transaction-level
 * advisory lock, so processes that start together apply each migration exactly once (the others wait, then find
 * nothing to do). A changed migration that was already applied is refused: history is never edited.
 *
 * A deliberately small migrator: migrations ship inside the package as versioned SQL strings next to the adapter
 * that needs them (no migration folder to find at run time, no CLI), and each component keeps its own version line.
 */
export async function migrate(pool: pg.Pool, component: string, migrations: readonly Migration[]): Promise<MigrationResult> {
  assertOrdered(component, migrations);
  const client = await pool.connect();
  try {
    await client.query('begin');
    await client.query('select pg_advisory_xact_lock(hashtextextended($1, 0))', [`orderflow.migrate`]);
    await client.query(`create table if not exists public.orderflow_migrations (
      component text not null, version int not null, name text not null, checksum text not null,
      applied_at timestamptz not null default now(), primary key (component, version))`);
    const { rows } = await client.query<{ version: number; checksum: string }>(
      'select version, checksum from public.orderflow_migrations where component = $1',
      [component],
    );
    const done = new Map(rows.map((r) => [r.version, r.checksum]));
    const applied: number[] = [];
    for (const m of migrations) {
      const checksum = createHash('sha256').update(m.sql).digest('hex');
      const previous = done.get(m.version);
      if (previous !== undefined) {
        if (previous !== checksum) throw new Error(`${component} migration ${m.version} (${m.name}) was changed after it was applied`);
        continue;
      }
      await client.query(m.sql);
      await client.query('insert into public.orderflow_migrations (component, version, name, checksum) values ($1, $2, $3, $4)', [
        component,
        m.version,
        m.name,
        checksum,
      ]);
      applied.push(m.version);
    }
    await client.query('commit');
    return { applied, current: Math.max(0, ...migrations.map((m) => m.version)) };
  } catch (err) {
    await client.query('rollback').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}

function assertOrdered(component: string, migrations: readonly Migration[]): void {
  migrations.forEach((m, i) => {
    if (m.version !== i + 1) throw new Error(`${component} migrations must be numbered 1..n in order; found ${m.version} at ${i}`);
  });
}
