import { encodePosition } from '../position.js';
import type { EventMetadata, JsonObject, RecordedEvent } from '../types.js';

/** Columns every read selects, in this order; tx_id as text because node-postgres has no xid8 parser. */
export const eventColumns =
  'e.tx_id::text as tx_id, e.seq::text as seq, e.stream_id, e.revision::text as revision, e.type, e.data, e.metadata, e.recorded_at';

export interface EventRow {
  tx_id: string;
  seq: string;
  stream_id: string;
  revision: string;
  type: string;
  data: JsonObject;
  metadata: EventMetadata;
  recorded_at: Date;
}

export function toRecordedEvent(row: EventRow): RecordedEvent {
  return {
    streamId: row.stream_id,
    revision: BigInt(row.revision),
    position: encodePosition(BigInt(row.tx_id), BigInt(row.seq)),
    type: row.type,
    data: row.data,
    metadata: row.metadata,
    recordedAt: row.recorded_at,
  };
}

/** A row of a `left join lateral` page: all event columns are null when nothing matched. */
export type MaybeEventRow = { [K in keyof EventRow]: EventRow[K] | null };

export function toRecordedEvents(rows: readonly MaybeEventRow[]): RecordedEvent[] {
  return rows.filter(isEventRow).map(toRecordedEvent);
}

function isEventRow(row: MaybeEventRow): row is EventRow {
  return row.tx_id !== null;
}
