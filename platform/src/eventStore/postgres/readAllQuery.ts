import { textArray } from '../../postgres/arrayLiteral.js';
import { prepared } from '../../postgres/prepared.js';
import { decodePosition } from '../position.js';
import type { Direction, EventFilter, Position } from '../types.js';
import { eventColumns } from './rows.js';

export interface ReadAllQuery {
  /** A prepared statement's name: the text varies only with the direction and the filter's shape. */
  readonly name: string;
  readonly text: string;
  readonly values: unknown[];
}

/**
 * Reads the global log after (forwards) or before (backwards) `from`, gap-safe: only rows whose transaction id
 * is below the snapshot's xmin, i.e. every transaction that could still add a lower position has ended.
 * The snapshot's xmin is returned with every row (and alone when no row matches) so callers can checkpoint.
 */
export function readAllQuery(from: Position | 'start' | 'end', direction: Direction, limit: number, filter?: EventFilter): ReadAllQuery {
  const values: unknown[] = [];
  const param = (value: unknown) => {
    values.push(value);
    return `$${values.length}`;
  };
  const where: string[] = ['e.tx_id < snap.xmin'];
  if (from !== 'start' && from !== 'end') {
    const { major, minor } = decodePosition(from);
    where.push(
      `(e.tx_id, e.seq) ${direction === 'forwards' ? '>' : '<'} (${param(major.toString())}::xid8, ${param(minor.toString())}::bigint)`,
    );
  }
  if (filter?.streamPrefixes !== undefined)
    where.push(`e.stream_id like any(${param(textArray(filter.streamPrefixes.map(likePrefix)))}::text[])`);
  if (filter?.eventTypes !== undefined) where.push(`e.type = any(${param(textArray(filter.eventTypes))}::text[])`);
  const order = direction === 'forwards' ? 'e.tx_id, e.seq' : 'e.tx_id desc, e.seq desc';
  const text = `with snap as materialized (select pg_snapshot_xmin(pg_current_snapshot()) as xmin)
select snap.xmin::text as snapshot_xmin, page.* from snap left join lateral (
  select ${eventColumns} from es.events e where ${where.join(' and ')} order by ${order} limit ${param(limit)}
) page on true`;
  return { ...prepared(text), values };
}

function likePrefix(prefix: string): string {
  return `${prefix.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}
