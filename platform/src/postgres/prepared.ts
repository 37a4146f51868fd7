import { createHash } from 'node:crypto';

const names = new Map<string, string>();

/**
 * A statement PostgreSQL parses and analyses once per connection instead of on every call: node-postgres prepares a
 * named statement the first time a connection runs it, then sends only its parameters. Meant for the statements run
 * once or more per order (subscription pages, checkpoints, inbox, idempotency keys, read model writes): on the checkout
 * benchmark, parsing and planning unnamed statements was about a fifth of PostgreSQL's CPU.
 *
 * The name comes from the text, so two call sites with the same text share one prepared statement and a text that
 * changes (a table name, a filter) gets a name of its own. Use it only for texts drawn from a small set: each
 * distinct text stays prepared on every connection that ran it, for the connection's life.
 *
 * A table replaced or altered under a prepared statement (a blue-green swap, a migration) is analysed again by
 * PostgreSQL, unless the statement's result columns changed type: then each connection that prepared it fails it once
 * ("cached plan must not change result type", `isStalePreparedStatement`). `pool.query` drops a connection whose query
 * failed, and the retrying callers (subscriptions, processors) count this failure as transient, so the next attempt
 * prepares the statement afresh on a new connection.
 */
export function prepared(text: string): { readonly name: string; readonly text: string } {
  let name = names.get(text);
  if (name === undefined) {
    name = `of_${createHash('sha1').update(text).digest('hex').slice(0, 24)}`;
    names.set(text, name);
  }
  return { name, text };
}

/** The statement was prepared on this connection before its result columns changed type (see `prepared`). */
export function isStalePreparedStatement(err: unknown): boolean {
  return (
    err instanceof Error && (err as { code?: unknown }).code === '0A000' && /cached plan must not change result type/i.test(err.message)
  );
}
