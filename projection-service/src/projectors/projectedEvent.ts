import type { RecordedEvent } from '@orderflow/platform';
import { parseEvent, type AnyEvent, type EventType } from '@orderflow/schemas';

/** An event as the projectors use it: parsed and upcast (the edge where events enter), with what they record of it. */
export type ProjectedEvent<Type extends EventType = EventType> = Extract<AnyEvent, { type: Type }> & {
  readonly eventId: string;
  readonly position: string;
  readonly occurredAt: string;
};

/** Throws on an event this release cannot read: the runtime retries it, then parks it as a dead letter. */
export function toProjectedEvent(recorded: RecordedEvent): ProjectedEvent {
  const { type, data } = parseEvent(recorded);
  // One literal of one shape (no spread): every projector's hottest line during a rebuild.
  return {
    type,
    data,
    eventId: recorded.metadata.eventId,
    position: recorded.position,
    occurredAt: recorded.metadata.occurredAt,
  } as ProjectedEvent;
}
