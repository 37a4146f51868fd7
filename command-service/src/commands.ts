import { inventoryItemDecider, orderDecider, paymentDecider } from '@orderflow/domain';
import type { EventStore, Principal, RecordedEvent } from '@orderflow/platform';
import { eventRegistry, isEventType, parseEvent, type Actor, type CommandMetadata } from '@orderflow/schemas';
import {
  foldStream,
  handleCommand,
  type CommandContext,
  type DeciderLike,
  type DomainEvent,
  type HandleResult,
} from './handling/handleCommand.js';

export const streams = {
  order: (orderId: string) => `order-${orderId}`,
  inventory: (sku: string) => `inventory-${sku}`,
  payment: (orderId: string) => `payment-${orderId}`,
} as const;

export const deciders = { order: orderDecider, inventory: inventoryItemDecider, payment: paymentDecider } as const;

/** Stored events enter the domain here: upcast to the current shape (and checked against the event's schema). */
// eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters -- the caller names the aggregate's event union
function parse<Event>(recorded: RecordedEvent): Event {
  return parseEvent(recorded) as Event;
}

function schemaVersionOf(type: string): number {
  return isEventType(type) ? eventRegistry[type].schemaVersion : 1;
}

export function actorOf(principal: Principal): Actor {
  return { role: principal.role, id: principal.sub };
}

/** Command metadata from the request: the domain gets `now` and ids from here, never from a clock of its own. */
export function metadataFor(commandId: string, actor: Actor, correlationId?: string): CommandMetadata {
  return { commandId, now: new Date().toISOString(), actor, ...(correlationId === undefined ? {} : { correlationId }) };
}

/** Runs one command against one stream (load → decide → append, re-deciding on conflict). */
export async function execute<State, Command extends { metadata: CommandMetadata }, Event extends DomainEvent>(
  store: EventStore,
  streamId: string,
  decider: DeciderLike<State, Command, Event>,
  command: Command,
  options: { ifMatch?: bigint; traceparent?: string } = {},
): Promise<HandleResult<Event>> {
  const { metadata } = command;
  const context: CommandContext = {
    commandId: metadata.commandId,
    actor: `${metadata.actor.role}:${metadata.actor.id}`,
    now: metadata.now,
    ...(metadata.correlationId === undefined ? {} : { correlationId: metadata.correlationId }),
    ...(options.traceparent === undefined ? {} : { traceparent: options.traceparent }),
  };
  return handleCommand<State, Command, Event>(store, streamId, decider, command, context, {
    parse: (recorded) => parse<Event>(recorded),
    schemaVersionOf,
    ...(options.ifMatch === undefined ? {} : { ifMatch: options.ifMatch }),
  });
}

/**
 * A stream's current state without deciding anything (reads for PlaceOrder and refunds): the cached fold brought up
 * to date by reading the stream's tail, or, with `maxStalenessMs`, taken as it is when this process read or wrote the
 * stream that recently (`foldStream`).
 */
export async function load<State, Command, Event extends DomainEvent>(
  store: EventStore,
  streamId: string,
  decider: DeciderLike<State, Command, Event>,
  options: { readonly maxStalenessMs?: number } = {},
): Promise<State> {
  return (await foldStream(store, streamId, decider, (recorded) => parse<Event>(recorded), options.maxStalenessMs)).state;
}
