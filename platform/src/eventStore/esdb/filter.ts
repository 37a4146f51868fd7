import { eventTypeFilter, excludeSystemEvents, streamNameFilter, type Filter } from '@eventstore/db-client';
import { EventStoreValidationError } from '../errors.js';
import type { EventFilter } from '../types.js';

/** How an `EventFilter` runs on EventStoreDB. */
export interface FilterPlan {
  /** ESDB filters on stream name or on event type, never both: this is the one dimension it can run. */
  readonly server: Filter;
  /** The whole filter, checked again on the client: the other dimension, and the exclusion of system records. */
  readonly matches: (streamId: string, type: string) => boolean;
}

/**
 * Stream prefixes go to the server when given (they are the selective part in this engine: one prefix per
 * aggregate or per test); otherwise an anchored event-type regex; otherwise just the exclusion of `$` types.
 * An empty list matches nothing, as on PostgreSQL.
 */
export function planFilter(filter: EventFilter = {}, checkpointInterval = 1000): FilterPlan {
  const { streamPrefixes: prefixes, eventTypes: types } = filter;
  const options = checkpointOptions(checkpointInterval);
  const server =
    prefixes !== undefined && prefixes.length > 0
      ? streamNameFilter({ prefixes: [...prefixes], ...options })
      : types !== undefined && types.length > 0
        ? eventTypeFilter({ regex: eventTypeRegex(types), ...options })
        : excludeSystemEvents(options);
  const matches = (streamId: string, type: string): boolean =>
    !isSystemRecord(streamId, type) &&
    (prefixes === undefined || prefixes.some((prefix) => streamId.startsWith(prefix))) &&
    (types === undefined || types.includes(type));
  return { server, matches };
}

/** `$`-prefixed streams and types are ESDB's own (metadata, tombstones, links, statistics), never our events. */
export function isSystemRecord(streamId: string, type: string): boolean {
  return streamId.startsWith('$') || type.startsWith('$');
}

/** Matches exactly one of `types` (ESDB evaluates it with .NET's regex engine, which shares this escaping). */
export function eventTypeRegex(types: readonly string[]): string {
  return `^(${types.map(escapeRegex).join('|')})$`;
}

export function escapeRegex(text: string): string {
  return text.replace(/[\\^$.|?*+()[\]{}#\s]/g, '\\$&');
}

const searchWindowCap = 32;

/**
 * ESDB sends a checkpoint once `checkpointInterval × maxSearchWindow` records have been considered, but checks only
 * after each page of up to `maxSearchWindow` records, so one can come a window late. Both are chosen so that even a
 * late checkpoint comes within `interval` records, as the port promises.
 */
export function checkpointOptions(interval: number): { readonly checkpointInterval: number; readonly maxSearchWindow: number } {
  if (!Number.isSafeInteger(interval) || interval < 1)
    throw new EventStoreValidationError('checkpointInterval', 'must be a positive integer');
  const maxSearchWindow = Math.min(searchWindowCap, Math.max(1, Math.floor((interval + 1) / 2)));
  return { maxSearchWindow, checkpointInterval: Math.max(1, Math.floor((interval + 1) / maxSearchWindow) - 1) };
}
