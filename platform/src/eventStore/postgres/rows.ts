import type { EventMetadata, JsonObject, Position, RecordedEvent } from '../types.js';

/**
 * Columns every read selects, in this order. The position is formatted by the server (the format of
 * `encodePosition`): catch-up is bound by the client's CPU, and two numbers through BigInt cost it more than a string.
 */
export const eventColumns = `lpad(to_hex(e.tx_id::text::bigint), 16, '0') || '/' || lpad(to_hex(e.seq), 16, '0') as position,
  e.stream_id, e.revision::text as revision, e.type, e.data, e.metadata, e.recorded_at`;

export interface EventRow {
  position: string;
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
    position: row.position as Position,
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
  return row.position !== null;
}
