import {
  BACKWARDS,
  END,
  EventStoreDBClient,
  FORWARDS,
  START,
  StreamNotFoundError,
  WrongExpectedVersionError,
  type AllStreamRecordedEvent,
  type ReadPosition,
  type ReadRevision,
  type RecordedEvent as EsdbRecordedEvent,
} from '@eventstore/db-client';
import { ConcurrencyError } from '../errors.js';
import { comparePositions } from '../position.js';
import type { AppendResult, Direction, EventStore, ExpectedRevision, Position, RecordedEvent } from '../types.js';
import {
  defaultLimits,
  validateAppend,
  validateExpectedRevision,
  validateMaxCount,
  validateStreamId,
  type EventStoreLimits,
} from '../validate.js';
import { isSystemRecord, planFilter } from './filter.js';
import {
  actualRevision,
  firstRevisionOf,
  isTransientError,
  toAppendConflict,
  toClientConnectionString,
  toEsdbDeleteRevision,
  toEsdbEvent,
  toEsdbExpectedRevision,
  toEsdbPosition,
  toPosition,
  toRecordedEvent,
  toStoreError,
} from './mapping.js';
import { defaultBackoff, resilientSubscription, type BackoffSettings } from './subscription.js';

export interface EsdbEventStoreOptions {
  readonly limits?: EventStoreLimits;
  /** Delays between resubscriptions after a dropped connection. */
  readonly backoff?: BackoffSettings;
}

/**
 * The EventStoreDB (KurrentDB) event store. Needs a server of 22.6 or later, which returns positions on stream
 * reads. Client 6.2.1 cannot filter `readAll` on the server, so `readAll` filters while streaming `$all`; only
 * subscriptions filter on the server.
 */
export function createEsdbEventStore(connectionString: string, options: EsdbEventStoreOptions = {}): EventStore {
  const client = EventStoreDBClient.connectionString(toClientConnectionString(connectionString));
  const limits = options.limits ?? defaultLimits;
  const closing = new AbortController();

  async function readRaw(streamId: string, from: ReadRevision, direction: Direction, maxCount?: number): Promise<EsdbRecordedEvent[]> {
    const events: EsdbRecordedEvent[] = [];
    try {
      const read = client.readStream(streamId, {
        fromRevision: from,
        direction: direction === 'forwards' ? FORWARDS : BACKWARDS,
        maxCount,
      });
      for await (const resolved of read) if (resolved.event !== undefined) events.push(resolved.event);
      return events;
    } catch (error) {
      // Missing and soft-deleted streams both read as not found: the port reads them as empty.
      if (error instanceof StreamNotFoundError) return [];
      throw error;
    }
  }

  /** Streams `$all`, handing each record to `visit` until it returns false; cancels the call when stopped early. */
  async function scanAll(
    fromPosition: ReadPosition,
    direction: Direction,
    visit: (event: AllStreamRecordedEvent) => boolean,
    maxCount?: number,
  ): Promise<void> {
    const read = client.readAll({ fromPosition, direction: direction === 'forwards' ? FORWARDS : BACKWARDS, maxCount });
    let complete = false;
    try {
      for await (const resolved of read) if (resolved.event !== undefined && !visit(resolved.event)) return;
      complete = true;
    } finally {
      if (!complete) await read.cancel();
    }
  }

  async function lastPosition(includeSystem: boolean): Promise<Position | undefined> {
    const found: Position[] = [];
    const visit = (event: AllStreamRecordedEvent) => {
      if (includeSystem || !isSystemRecord(event.streamId, event.type)) found.push(toPosition(event.position));
      return found.length === 0;
    };
    await scanAll(END, 'backwards', visit, includeSystem ? 1 : undefined);
    return found[0];
  }

  async function positionAt(streamId: string, revision: bigint): Promise<Position> {
    const position = (await readRaw(streamId, revision, 'forwards', 1))[0]?.position;
    if (position === undefined) throw new Error(`EventStoreDB returned no position for ${streamId}@${revision}`);
    return toPosition(position);
  }

  async function appendFailure(error: unknown, streamId: string, expected: ExpectedRevision, firstEventId: string): Promise<unknown> {
    if (!(error instanceof WrongExpectedVersionError)) return toStoreError(error, streamId, expected);
    const at = firstRevisionOf(expected);
    const stored =
      at === undefined || actualRevision(error) === undefined ? [] : await readRaw(streamId, at, 'forwards', 1).catch(() => []);
    return toAppendConflict(error, streamId, expected, firstEventId, stored[0]?.id);
  }

  const store: EventStore = {
    async appendToStream(streamId, events, appendOptions): Promise<AppendResult> {
      validateAppend(streamId, events, limits);
      const expected = validateExpectedRevision(appendOptions?.expectedRevision);
      const proposed = events.map((event, i) => toEsdbEvent(event, `events[${i}]`));
      try {
        const result = await client.appendToStream(streamId, proposed, { expectedRevision: toEsdbExpectedRevision(expected) });
        // The result carries the last event's position; a server may omit it (older idempotent replies): read it.
        const position =
          result.position === undefined ? await positionAt(streamId, result.nextExpectedRevision) : toPosition(result.position);
        return { nextExpectedRevision: result.nextExpectedRevision, position };
      } catch (error) {
        throw await appendFailure(error, streamId, expected, proposed[0]?.id ?? '');
      }
    },

    async readStream(streamId, readOptions = {}): Promise<RecordedEvent[]> {
      validateStreamId(streamId);
      const maxCount = validateMaxCount(readOptions.maxCount);
      const direction = readOptions.direction ?? 'forwards';
      const from = readOptions.from ?? (direction === 'forwards' ? 'start' : 'end');
      if (typeof from === 'bigint') validateExpectedRevision(from, 'from');
      if (maxCount === 0) return [];
      try {
        const raw = await readRaw(streamId, from === 'start' ? START : from === 'end' ? END : from, direction, maxCount);
        return raw.map(toRecordedEvent);
      } catch (error) {
        throw toStoreError(error, streamId, 'any');
      }
    },

    async readAll(readOptions = {}): Promise<RecordedEvent[]> {
      const maxCount = validateMaxCount(readOptions.maxCount) ?? Number.POSITIVE_INFINITY;
      const direction = readOptions.direction ?? 'forwards';
      const from = readOptions.from ?? (direction === 'forwards' ? 'start' : 'end');
      if (maxCount === 0 || (direction === 'forwards' && from === 'end') || (direction === 'backwards' && from === 'start')) return [];
      const after = from === 'start' || from === 'end' ? undefined : from;
      const start = after === undefined ? (from === 'start' ? START : END) : toEsdbPosition(after);
      const { matches } = planFilter(readOptions.filter);
      const events: RecordedEvent[] = [];
      await scanAll(start, direction, (event) => {
        // ESDB reads $all forwards from a position inclusively; the port's `from` is exclusive in both directions.
        if (after !== undefined && comparePositions(toPosition(event.position), after) * (direction === 'forwards' ? 1 : -1) <= 0)
          return true;
        if (matches(event.streamId, event.type)) events.push(toRecordedEvent(event));
        return events.length < maxCount;
      });
      return events;
    },

    subscribeToAll(subscribeOptions) {
      const { server, matches } = planFilter(subscribeOptions.filter, subscribeOptions.checkpointInterval);
      const signals = subscribeOptions.signal === undefined ? [closing.signal] : [closing.signal, subscribeOptions.signal];
      return resilientSubscription(
        {
          open: (fromPosition, onCheckpoint) =>
            client.subscribeToAll({ fromPosition, filter: { ...server, checkpointReached: onCheckpoint } }),
          head: () => lastPosition(true),
          toEvent: (event) => (matches(event.streamId, event.type) ? toRecordedEvent(event) : undefined),
          isTransient: isTransientError,
          backoff: options.backoff ?? defaultBackoff,
        },
        { from: subscribeOptions.from, signal: AbortSignal.any(signals) },
      );
    },

    async deleteStream(streamId, deleteOptions = {}): Promise<void> {
      validateStreamId(streamId);
      const expected = validateExpectedRevision(deleteOptions.expectedRevision);
      try {
        const revision = expected === 'stream_exists' ? (await readRaw(streamId, END, 'backwards', 1))[0]?.revision : expected;
        if (revision === undefined) throw new ConcurrencyError(streamId, expected, undefined);
        const wire = { expectedRevision: toEsdbDeleteRevision(revision) };
        await (deleteOptions.mode === 'tombstone' ? client.tombstoneStream(streamId, wire) : client.deleteStream(streamId, wire));
      } catch (error) {
        throw toStoreError(error, streamId, expected);
      }
    },

    headPosition(): Promise<Position | undefined> {
      return lastPosition(false);
    },

    async close(): Promise<void> {
      closing.abort();
      await client.dispose();
    },
  };
  return store;
}
