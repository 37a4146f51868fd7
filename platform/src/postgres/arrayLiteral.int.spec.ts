import pg from 'pg';
import { expect, it } from 'vitest';
import { describeWith } from '../testing/describeWith.js';
import { integerArray, textArray } from './arrayLiteral.js';

describeWith('postgres', 'array literals', (use) => {
  it('reach PostgreSQL as the same texts, NULLs and integers', async () => {
    const pool = new pg.Pool({ connectionString: use().url, max: 1 });
    try {
      const texts = async (values: readonly (string | null)[]) =>
        (
          await pool.query<{ v: string | null }>('select v from unnest($1::text[]) with ordinality as u(v, i) order by i', [
            textArray(values),
          ])
        ).rows.map((r) => r.v);
      const plain = ['inventory-sku-1', 'OrderPlaced', '2026-11-22T10:00:00.000Z', ''];
      expect(await texts(plain)).toEqual(plain);
      const awkward = ['a"b', 'back\\slash', '\\"', 'comma,brace}{', ' spaced ', 'NULL', 'ünïcødé ✓', '"', '\\'];
      expect(await texts(awkward)).toEqual(awkward);
      expect(await texts(['x', null, 'NULL', null])).toEqual(['x', null, 'NULL', null]);
      expect(await texts([])).toEqual([]);
      // What node-postgres would have sent for the same values reads back the same.
      expect(await texts(awkward)).toEqual((await pool.query<{ v: string[] }>('select $1::text[] as v', [awkward])).rows[0]?.v);

      const { rows } = await pool.query<{ v: string[] }>('select $1::bigint[]::text[] as v', [integerArray([0, 7, -3, 2n ** 62n])]);
      expect(rows[0]?.v).toEqual(['0', '7', '-3', String(2n ** 62n)]);
      expect(() => integerArray([1.5])).toThrow(RangeError);
    } finally {
      await pool.end();
    }
  });
});
