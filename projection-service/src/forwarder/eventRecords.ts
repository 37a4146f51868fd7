import type { RecordedEvent } from '@orderflow/platform';

/** One line of an NDJSON export: the event exactly as stored (data as written, never upcast), with its place in the log. */
export interface ExportedEvent {
  readonly position: string;
  readonly streamId: string;
  readonly revision: number;
  readonly type: string;
  readonly data: RecordedEvent['data'];
  readonly metadata: RecordedEvent['metadata'];
  readonly recordedAt: string;
}

export function toExportedEvent(event: RecordedEvent): ExportedEvent {
  return {
    position: event.position,
    streamId: event.streamId,
    revision: Number(event.revision),
    type: event.type,
    data: event.data,
    metadata: event.metadata,
    recordedAt: event.recordedAt.toISOString(),
  };
}

export function ndjsonLine(event: RecordedEvent): string {
  return `${JSON.stringify(toExportedEvent(event))}\n`;
}

export const csvHeader =
  'position,stream_id,revision,type,event_id,schema_version,correlation_id,causation_id,actor,occurred_at,recorded_at,data\n';

/** RFC 4180: a field with a comma, quote or line break is quoted, quotes doubled. */
function csvField(value: string | number | undefined): string {
  const text = value === undefined ? '' : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** One CSV row; `data` is the event data as a JSON text. */
export function csvLine(event: RecordedEvent): string {
  const m = event.metadata;
  return `${[
    event.position,
    event.streamId,
    Number(event.revision),
    event.type,
    m.eventId,
    m.schemaVersion,
    m.correlationId,
    m.causationId,
    m.actor,
    m.occurredAt,
    event.recordedAt.toISOString(),
    JSON.stringify(event.data),
  ]
    .map(csvField)
    .join(',')}\n`;
}

/** A line for people: time, position, stream@revision, type and the data, cut to `width` characters. */
export function humanLine(event: RecordedEvent, width = 160): string {
  const head = `${event.recordedAt.toISOString().slice(11, 23)}  ${event.position}  ${event.streamId}@${event.revision}  ${event.type}`;
  const data = JSON.stringify(event.data);
  const room = Math.max(20, width - head.length - 2);
  return `${head}  ${data.length > room ? `${data.slice(0, room - 1)}…` : data}\n`;
}
