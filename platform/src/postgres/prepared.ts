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
 * distinct text stays prepared on every connection that ran it, for the connection's life. A table's definition
 * changing under a prepared statement is handled by PostgreSQL (the statement is analysed again).
 */
export function prepared(text: string): { readonly name: string; readonly text: string } {
  let name = names.get(text);
  if (name === undefined) {
    name = `of_${createHash('sha1').update(text).digest('hex').slice(0, 24)}`;
    names.set(text, name);
  }
  return { name, text };
}
