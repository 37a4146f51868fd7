import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeWith } from '../testing/describeWith.js';
import { migrate, type Migration } from './migrate.js';

const migrations: Migration[] = [
  { version: 1, name: 'table', sql: 'create table widget (id int primary key)' },
  { version: 2, name: 'column', sql: 'alter table widget add column name text' },
];

describeWith('postgres', 'migrate', (use) => {
  let pools: pg.Pool[] = [];
  beforeAll(() => {
    pools = Array.from({ length: 4 }, () => new pg.Pool({ connectionString: use().url, max: 2 }));
  });
  afterAll(async () => {
    await Promise.all(pools.map((p) => p.end()));
  });
  const pool = (i: number) => {
    const p = pools[i];
    if (p === undefined) throw new Error(`no pool ${i}`);
    return p;
  };

  it('applies each migration once when several processes start at the same time', async () => {
    const results = await Promise.all(pools.map((pool) => migrate(pool, 'widgets', migrations)));
    expect(results.flatMap((r) => r.applied).sort()).toEqual([1, 2]);
    expect(results.every((r) => r.current === 2)).toBe(true);
    const { rows } = await pool(0).query<{ version: number }>(
      "select version from public.orderflow_migrations where component = 'widgets' order by version",
    );
    expect(rows.map((r) => r.version)).toEqual([1, 2]);
    await pool(0).query("insert into widget (id, name) values (1, 'one')");
  });

  it('applies only what is new, and refuses an applied migration whose SQL changed', async () => {
    const next = [...migrations, { version: 3, name: 'index', sql: 'create index widget_name on widget (name)' }];
    expect((await migrate(pool(1), 'widgets', next)).applied).toEqual([3]);
    const edited = next.map((m) => (m.version === 2 ? { ...m, sql: `${m.sql} not null` } : m));
    await expect(migrate(pool(2), 'widgets', edited)).rejects.toThrow(/migration 2 \(column\) was changed/);
  });

  it('rolls a failing migration back whole, so a fixed one can run', async () => {
    const broken = [{ version: 1, name: 'half', sql: 'create table gadget (id int); select * from missing_table' }];
    await expect(migrate(pool(3), 'gadgets', broken)).rejects.toThrow(/missing_table/);
    const { rows } = await pool(3).query("select to_regclass('gadget') as t");
    expect(rows[0]).toEqual({ t: null });
  });
});
