import pg from 'pg';
import { ConcurrencyError, EventIdReusedError, StreamDeletedError } from '../errors.js';
import { encodePosition } from '../position.js';
import type { AppendResult, ExpectedRevision } from '../types.js';
import type { SerialisedEvent } from '../validate.js';
import { sqlState } from './schema.js';
import { integerArray, textArray } from '../../postgres/arrayLiteral.js';

export interface GroupCommitSettings {
  /** Groups sent at once; further appends wait for one to return and then go together ("natural batching"). */
  readonly maxInFlight: number;
  /** Events per group; a single append larger than this still goes, alone. */
  readonly maxEvents: number;
}

interface QueuedAppend {
  readonly streamId: string;
  readonly expected: ExpectedRevision;
  readonly events: readonly SerialisedEvent[];
  readonly resolve: (result: AppendResult) => void;
  readonly reject: (err: unknown) => void;
}

interface TryRow {
  revision: string | null;
  tx_id: string | null;
  seq: string | null;
}

interface ResultRow extends TryRow {
  error: string | null;
  detail: string | null;
}

// Named statements: parsed and planned once per connection.
const tryStatement = {
  name: 'orderflow_es_try_append_to_streams',
  text: 'select revision, tx_id, seq from es.try_append_to_streams($1, $2, $3, $4, $5, $6, $7, $8, $9)',
};
const checkedStatement = {
  name: 'orderflow_es_append_to_streams',
  text: 'select revision, tx_id, seq, error, detail from es.append_to_streams($1, $2, $3, $4, $5, $6, $7)',
};

/**
 * Group commit: appends to distinct streams that arrive while a group is on its way are sent together as the next
 * group, one round trip and one commit for all of them, each append still checked and answered on its own. Two
 * appends to one stream never share a group; the later one waits for the next.
 *
 * A group goes first through `es.try_append_to_streams`, the common path in one statement; the appends it leaves
 * unwritten (a conflict, a tombstone, a retry) go again, together, through `es.append_to_streams`, which checks
 * everything and says why. If the first statement fails whole (an event id already stored), the group goes through
 * the checked path instead.
 */
export class GroupCommitter {
  #queue: QueuedAppend[] = [];
  #inFlight = 0;
  #lastTransaction = 0n;
  readonly #streamsInFlight = new Set<string>();
  #scheduled = false;
  #idle: (() => void) | undefined;

  constructor(
    private readonly pool: pg.Pool,
    private readonly settings: GroupCommitSettings,
    /** Called after a group wrote something (the store's coalesced NOTIFY). */
    private readonly written: () => void,
  ) {}

  append(streamId: string, expected: ExpectedRevision, events: readonly SerialisedEvent[]): Promise<AppendResult> {
    return new Promise((resolve, reject) => {
      this.#queue.push({ streamId, expected, events, resolve, reject });
      this.#schedule();
    });
  }

  /** The highest transaction id of an append answered so far (0 before any). */
  get lastTransaction(): bigint {
    return this.#lastTransaction;
  }

  /** Resolves once every append handed in so far has been answered. */
  async drain(): Promise<void> {
    if (this.#queue.length === 0 && this.#inFlight === 0) return;
    await new Promise<void>((resolve) => (this.#idle = resolve));
  }

  #schedule(): void {
    if (this.#scheduled || this.#queue.length === 0 || this.#inFlight >= this.settings.maxInFlight) return;
    // Appends made in the same turn of the event loop (callers woken by the last group) join one group.
    this.#scheduled = true;
    setImmediate(() => {
      this.#scheduled = false;
      while (this.#queue.length > 0 && this.#inFlight < this.settings.maxInFlight) {
        // With several slots free, the waiting appends are shared among them: while one group waits for its commit
        // to reach the disk, the next one is already being executed.
        const group = this.#take(Math.ceil(this.#queue.length / (this.settings.maxInFlight - this.#inFlight)));
        if (group.length === 0) return;
        this.#inFlight += 1;
        for (const append of group) this.#streamsInFlight.add(append.streamId);
        void this.#run(group).finally(() => {
          this.#inFlight -= 1;
          for (const append of group) this.#streamsInFlight.delete(append.streamId);
          if (this.#queue.length === 0 && this.#inFlight === 0) this.#idle?.();
          this.#schedule();
        });
      }
    });
  }

  /**
   * The oldest appends to distinct streams, at most `maxAppends` and up to `maxEvents` events, leaving out streams
   * that a group in flight writes to (so one stream's appends commit in the order they were made); the rest keep
   * their order in the queue.
   */
  #take(maxAppends: number): QueuedAppend[] {
    const group: QueuedAppend[] = [];
    const rest: QueuedAppend[] = [];
    const streams = new Set<string>();
    let events = 0;
    for (const append of this.#queue) {
      if (
        group.length >= maxAppends ||
        streams.has(append.streamId) ||
        this.#streamsInFlight.has(append.streamId) ||
        (group.length > 0 && events + append.events.length > this.settings.maxEvents)
      ) {
        rest.push(append);
        continue;
      }
      group.push(append);
      streams.add(append.streamId);
      events += append.events.length;
    }
    this.#queue = rest;
    return group;
  }

  async #run(group: readonly QueuedAppend[]): Promise<void> {
    // Stream rows are locked in the order of the appends; the events keep the order in which they were made.
    const sorted = [...group].sort((a, b) => (a.streamId < b.streamId ? -1 : 1));
    let rows: TryRow[];
    try {
      rows = (await this.pool.query<TryRow>({ ...tryStatement, values: tryParameters(sorted, group) })).rows;
    } catch {
      // Nothing of the group was written (an event id already stored, a deadlock with another writer, a lost
      // connection): the checked path tells each append's fate.
      await this.#runChecked(group);
      return;
    }
    const refused: QueuedAppend[] = [];
    let wrote = false;
    for (const [i, append] of sorted.entries()) {
      const row = rows[i];
      if (row === undefined) append.reject(new Error('try_append_to_streams returned too few rows'));
      else if (row.revision === null) refused.push(append);
      else wrote = this.#answer(append, row) || wrote;
    }
    if (wrote) this.written();
    if (refused.length > 0) await this.#runChecked(refused);
  }

  async #runChecked(group: readonly QueuedAppend[]): Promise<void> {
    let rows: ResultRow[];
    try {
      rows = (await this.pool.query<ResultRow>({ ...checkedStatement, values: parameters(group) })).rows;
    } catch (err) {
      // The whole group failed (a unique-index race on a new event id, a deadlock with another writer, a lost
      // connection): nothing of it was written, or, if the commit went through, a retry returns the original result.
      // Each append is tried again alone, so only the guilty one fails.
      const [only] = group;
      if (group.length === 1 && only !== undefined) only.reject(databaseError(err, only));
      else await Promise.all(group.map((append) => this.#runChecked([append])));
      return;
    }
    let wrote = false;
    for (const [i, append] of group.entries()) {
      const row = rows[i];
      if (row === undefined) append.reject(new Error('append_to_streams returned too few rows'));
      else if (row.error !== null) append.reject(appendError(row.error, row.detail ?? '', append));
      else wrote = this.#answer(append, row) || wrote;
    }
    if (wrote) this.written();
  }

  /** Resolves an append with its position; true if it did (a row without a position rejects it). */
  #answer(append: QueuedAppend, row: TryRow): boolean {
    if (row.revision === null || row.tx_id === null || row.seq === null) {
      append.reject(new Error('append_to_streams returned no position'));
      return false;
    }
    const transaction = BigInt(row.tx_id);
    if (transaction > this.#lastTransaction) this.#lastTransaction = transaction;
    append.resolve({ nextExpectedRevision: BigInt(row.revision), position: encodePosition(transaction, BigInt(row.seq)) });
    return true;
  }
}

/**
 * The try statement's arguments: per append in `appends`' order (one row comes back for each, in that order); per
 * event in `events`' order, the order of their positions (its stream, its place in its append, then as below).
 */
function tryParameters(appends: readonly QueuedAppend[], events: readonly QueuedAppend[]): unknown[] {
  const eventStreams: string[] = [];
  const places: number[] = [];
  for (const append of events)
    for (let k = 1; k <= append.events.length; k += 1) {
      eventStreams.push(append.streamId);
      places.push(k);
    }
  return [...appendColumns(appends), textArray(eventStreams), integerArray(places), ...eventColumns(events)];
}

function parameters(group: readonly QueuedAppend[]): unknown[] {
  return [...appendColumns(group), ...eventColumns(group)];
}

/** Per append: stream, expected revision (as text), number of events. */
function appendColumns(group: readonly QueuedAppend[]): unknown[] {
  return [
    textArray(group.map((append) => append.streamId)),
    textArray(group.map((append) => (typeof append.expected === 'bigint' ? append.expected.toString() : append.expected))),
    integerArray(group.map((append) => append.events.length)),
  ];
}

/** Per event, the events of all appends in order: id, type, and data and metadata as one JSON array each. */
function eventColumns(group: readonly QueuedAppend[]): unknown[] {
  const events = group.flatMap((append) => append.events);
  return [
    textArray(events.map((event) => event.eventId)),
    textArray(events.map((event) => event.type)),
    // Already-serialised JSON, joined rather than escaped into an array literal.
    `[${events.map((event) => event.data).join(',')}]`,
    `[${events.map((event) => event.metadata).join(',')}]`,
  ];
}

function appendError(code: string, detail: string, { streamId, expected }: QueuedAppend): Error {
  switch (code) {
    case sqlState.concurrency:
      return new ConcurrencyError(streamId, expected, detail === '' ? undefined : BigInt(detail));
    case sqlState.streamDeleted:
      return new StreamDeletedError(streamId);
    case sqlState.eventIdReused: {
      const [eventId = '?', at = '?'] = detail.split(' ');
      return new EventIdReusedError(streamId, eventId, `already at ${at}`);
    }
    default:
      return new Error(`append_to_streams: unknown error ${code} (${detail})`);
  }
}

function databaseError(err: unknown, { streamId }: QueuedAppend): unknown {
  // Same new event ids appended concurrently to two streams: the loser hits the unique index.
  if (err instanceof pg.DatabaseError && err.code === '23505' && err.constraint === 'events_event_id')
    return new EventIdReusedError(streamId, '?', 'written concurrently by another append');
  return err;
}
