import { type AnyEvent, isEventType } from './eventRegistry.js';
import { EventSchemaError } from './eventSchemaError.js';
import { upcast } from './upcast.js';

/** What an event store hands back, reduced to what parsing needs. */
export interface StoredEvent {
  readonly type: string;
  readonly data: unknown;
  readonly metadata: { readonly schemaVersion: number };
}

/** Parses an event read back from the store into the current shape of its type (the edge where events enter). */
export function parseEvent(stored: StoredEvent): AnyEvent {
  const { type } = stored;
  if (!isEventType(type))
    throw new EventSchemaError('unknown_event_type', type, stored.metadata.schemaVersion, `unknown event type ${type}`);
  return { type, data: upcast(type, stored.metadata.schemaVersion, stored.data) } as AnyEvent;
}
