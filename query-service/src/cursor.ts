import { HttpProblem } from '@orderflow/platform';
import { Id, Timestamp } from '@orderflow/schemas';
import { z } from 'zod';

/** The key a page ends at: a timestamp and the id that breaks ties between equal timestamps. */
export interface PageKey {
  readonly at: string;
  readonly id: string;
}

const pageKey = z.strictObject({ at: Timestamp, id: Id });

/** As a query parameter: base64url text, bounded before anything decodes it. */
export const CursorParam = z
  .string()
  .max(400)
  .regex(/^[A-Za-z0-9_-]+$/, 'must be a cursor from a previous page')
  .describe('Opaque: the `nextCursor` of the previous page.');

/**
 * Cursors are opaque to clients: base64url of the JSON key of the last item of a page. They are not secret and
 * need no signature (a forged one only moves the start of a page the caller may read anyway), but every decoded
 * cursor is validated, so a malformed one is a 400 `invalid_cursor`, never a 500.
 */
export function encodeCursor(key: PageKey): string {
  return Buffer.from(JSON.stringify({ at: key.at, id: key.id })).toString('base64url');
}

export function decodeCursor(cursor: string): PageKey {
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    json = undefined;
  }
  const parsed = pageKey.safeParse(json);
  if (!parsed.success)
    throw new HttpProblem(400, 'invalid_cursor', 'Invalid cursor', 'The cursor was not issued by this API; start again without it.', {
      errors: [{ path: 'querystring.cursor', message: 'not a cursor of this API' }],
    });
  return parsed.data;
}

/** A page out of `limit + 1` fetched items: the first `limit`, and a cursor when there were more. */
export function toPage<T>(fetched: readonly T[], limit: number, keyOf: (item: T) => PageKey): { items: T[]; nextCursor: string | null } {
  const items = fetched.slice(0, limit);
  const last = items.at(-1);
  return { items, nextCursor: fetched.length > limit && last !== undefined ? encodeCursor(keyOf(last)) : null };
}
