const needsEscape = /["\\]/;

/**
 * A PostgreSQL array literal (`{"a","b"}`) of texts, to pass as a `text[]` (or `uuid[]`, `timestamptz[]`…) parameter:
 * node-postgres builds the same literal from a JS array one element at a time, quoting and escaping each with two
 * regular-expression replaces; for the statements run per order (a group's event ids and streams, the subscriptions'
 * type filters) that was about 4 % of everything the engine allocated. Here the texts are joined once and escaped only
 * when one holds a quote or a backslash. `null` elements are SQL NULLs.
 */
export function textArray(values: readonly (string | null)[]): string {
  if (values.length === 0) return '{}';
  if (!values.includes(null)) {
    const joined = values.join('","');
    if (!needsEscape.test(joined)) return `{"${joined}"}`;
  }
  return `{${values.map((v) => (v === null ? 'NULL' : `"${v.replace(/[\\"]/g, '\\$&')}"`)).join(',')}}`;
}

/** A PostgreSQL array literal of integers (`{1,2,3}`), for an `int[]` or `bigint[]` parameter. */
export function integerArray(values: readonly (number | bigint)[]): string {
  for (const v of values)
    if (typeof v === 'number' && !Number.isSafeInteger(v)) throw new RangeError(`integerArray: ${v} is not a safe integer`);
  return `{${values.join(',')}}`;
}
