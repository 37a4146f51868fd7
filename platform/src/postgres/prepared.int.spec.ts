import pg from 'pg';
import { expect, it } from 'vitest';
import { isTransientError } from '../processing/errors.js';
import { describeWith } from '../testing/describeWith.js';
import { isStalePreparedStatement, prepared } from './prepared.js';

describeWith('postgres', 'prepared statements', (use) => {
  it('are prepared once per connection, and recover on a new connection when a column changes type under them', async () => {
    const pool = new pg.Pool({ connectionString: use().url, max: 1 });
    try {
      await pool.query('create table prepared_probe (id int primary key, doc json not null)');
      await pool.query(`insert into prepared_probe values (1, '{"a": 1}')`);
      const read = { ...prepared('select doc from prepared_probe where id = $1'), values: [1] };
      expect((await pool.query(read)).rows).toEqual([{ doc: { a: 1 } }]);
      const { rows } = await pool.query<{ n: number }>('select count(*)::int as n from pg_prepared_statements where name = $1', [
        read.name,
      ]);
      expect(rows[0]?.n).toBe(1);

      // A migration turns the column into jsonb while the connection keeps the statement prepared.
      await pool.query('alter table prepared_probe alter column doc type jsonb');
      const failure = await pool.query(read).then(
        () => undefined,
        (err: unknown) => err,
      );
      expect(isStalePreparedStatement(failure), String(failure)).toBe(true);
      // Processors retry it rather than parking the event or failing.
      expect(isTransientError(failure)).toBe(true);
      // pool.query dropped that connection: the next attempt prepares the statement again on a new one.
      expect((await pool.query(read)).rows).toEqual([{ doc: { a: 1 } }]);
      expect(isStalePreparedStatement(new Error('cached plan must not change result type'))).toBe(false);
    } finally {
      await pool.end();
    }
  });
});
