import pg from 'pg';
import { expect, it } from 'vitest';
import { describeWith } from './describeWith.js';

describeWith('postgres', 'pg smoke', (use) => {
  it('runs in a database of its own and round-trips rows', async () => {
    const client = new pg.Client(use().url);
    await client.connect();
    try {
      const { rows: db } = await client.query<{ db: string }>('select current_database() as db');
      expect(db[0]?.db).toBe(use().database);
      await client.query('create table item (id int primary key, name text not null, meta jsonb)');
      await client.query('insert into item values ($1, $2, $3), ($4, $5, $6)', [1, 'one', { a: 1 }, 2, 'two', null]);
      const { rows } = await client.query<{ id: number; name: string; meta: unknown }>('select * from item order by id');
      expect(rows).toEqual([
        { id: 1, name: 'one', meta: { a: 1 } },
        { id: 2, name: 'two', meta: null },
      ]);
      await expect(client.query('insert into item values (1, $1)', ['dup'])).rejects.toMatchObject({ code: '23505' });
    } finally {
      await client.end();
    }
  });

  it('supports xid8 transaction ids and snapshots (the event store relies on them)', async () => {
    const client = new pg.Client(use().url);
    await client.connect();
    try {
      await client.query('begin');
      const { rows } = await client.query<{ xid: string; below: boolean }>(
        'select pg_current_xact_id()::text as xid, pg_current_xact_id() >= pg_snapshot_xmin(pg_current_snapshot()) as below',
      );
      await client.query('commit');
      expect(BigInt(rows[0]?.xid ?? '0')).toBeGreaterThan(0n);
      expect(rows[0]?.below).toBe(true);
    } finally {
      await client.end();
    }
  });

  it('delivers LISTEN/NOTIFY payloads to another connection, after commit only', async () => {
    const listener = new pg.Client(use().url);
    const notifier = new pg.Client(use().url);
    await Promise.all([listener.connect(), notifier.connect()]);
    try {
      const received: string[] = [];
      listener.on('notification', (n) => received.push(n.payload ?? ''));
      await listener.query('listen smoke_channel');
      await notifier.query('begin');
      await notifier.query("select pg_notify('smoke_channel', 'first')");
      await new Promise((r) => setTimeout(r, 100));
      expect(received).toEqual([]);
      await notifier.query('commit');
      await notifier.query("notify smoke_channel, 'second'");
      await expect.poll(() => received, { timeout: 5_000 }).toEqual(['first', 'second']);
    } finally {
      await Promise.all([listener.end(), notifier.end()]);
    }
  });
});
