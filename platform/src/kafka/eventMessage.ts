import type { IHeaders, Message } from 'kafkajs';
import { eventRegistry, isEventType, upcast } from '@orderflow/schemas';
import type { EventMetadata, JsonValue, Position, RecordedEvent } from '../eventStore/types.js';

/** Kafka header names carried by every forwarded event (values are UTF-8 strings). */
export const eventHeaders = {
  eventId: 'event-id',
  eventType: 'event-type',
  schemaVersion: 'schema-version',
  correlationId: 'correlation-id',
  traceparent: 'traceparent',
  contentType: 'content-type',
} as const;

/** The JSON value of a forwarded event: the store's envelope plus where it sits in the log. */
export interface EventEnvelope {
  readonly type: string;
  readonly data: { readonly [key: string]: JsonValue };
  readonly metadata: EventMetadata;
  readonly position: Position;
  readonly streamId: string;
  readonly revision: number;
}

/**
 * The envelope of a recorded event. An event stored at an older schema version of a known type is upcast to the
 * current one (so every value on a topic matches the catalog); current events pass through untouched.
 */
export function toEnvelope(event: RecordedEvent): EventEnvelope {
  const { type, metadata } = event;
  let { data } = event;
  let schemaVersion = metadata.schemaVersion;
  if (isEventType(type) && schemaVersion < eventRegistry[type].schemaVersion) {
    data = upcast(type, schemaVersion, data);
    schemaVersion = eventRegistry[type].schemaVersion;
  }
  return {
    type,
    data,
    metadata: schemaVersion === metadata.schemaVersion ? metadata : { ...metadata, schemaVersion },
    position: event.position,
    streamId: event.streamId,
    revision: Number(event.revision),
  };
}

/** The Kafka message of a recorded event: key = stream id (per-aggregate order), value = JSON envelope. */
export function toKafkaMessage(event: RecordedEvent): Message {
  const envelope = toEnvelope(event);
  const { metadata } = envelope;
  const headers: IHeaders = {
    [eventHeaders.eventId]: metadata.eventId,
    [eventHeaders.eventType]: envelope.type,
    [eventHeaders.schemaVersion]: String(metadata.schemaVersion),
    [eventHeaders.contentType]: 'application/json',
  };
  if (metadata.correlationId !== undefined) headers[eventHeaders.correlationId] = metadata.correlationId;
  if (metadata.traceparent !== undefined) headers[eventHeaders.traceparent] = metadata.traceparent;
  return { key: event.streamId, value: JSON.stringify(envelope), headers };
}
