import { hash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  ConcurrencyError,
  currentTraceparent,
  dropOldestBeyond,
  EventIdReusedError,
  HttpProblem,
  type EventStore,
  type JsonObject,
  type NewEvent,
  type Position,
  type RecordedEvent,
} from '@orderflow/platform';
import { observeAppend, observeCommand } from './commandTelemetry.js';

/** What a decider emits: a type and plain data (checked as JSON by the store before anything is written). */
export interface DomainEvent {
  readonly type: string;
  readonly data: object;
}

/** The shape of a decider (STYLE.md); structural, so any aggregate of domain/ fits. */
export interface DeciderLike<State, Command, Event extends DomainEvent> {
  decide(command: Command, state: State): readonly Event[];
  evolve(state: State, event: Event): State;
  initialState(): State;
}

/** Who and what a command is, carried into every event's metadata. */
export interface CommandContext {
  /** Stable across retries of the same request (derived from its idempotency key when there is one). */
  readonly commandId: string;
  readonly actor: string;
  readonly now: string;
  readonly correlationId?: string;
  readonly causationId?: string;
  readonly traceparent?: string;
}

export interface HandleOptions<Event> {
  /** Turns a stored event back into a domain event (upcast + parse at the edge, STYLE.md). */
  readonly parse: (recorded: RecordedEvent) => Event;
  readonly schemaVersionOf: (type: string) => number;
  /** `If-Match`: the stream revision the caller last saw; a mismatch is a 412, never retried. */
  readonly ifMatch?: bigint;
  /**
   * Attempts before a conflict is given up (default 64, about ten seconds of backoff): a process losing race after
   * race to another one that writes the same hot stream gets its turn once that one's queue has drained.
   */
  readonly maxAttempts?: number;
}

export interface HandleResult<Event> {
  readonly events: readonly Event[];
  /** Last revision of the stream after the command (`undefined` when it still does not exist). */
  readonly revision: bigint | undefined;
  /** Consistency token: position of the last event appended (or of the stream's last event when none was). */
  readonly position: Position | undefined;
  readonly attempts: number;
}

/**
 * Load → decide → append with the loaded revision. A concurrency conflict reloads and decides again, a bounded
 * number of times with jittered backoff. Event ids derive from the command id, so a replayed command's events
 * deduplicate in the store.
 */
export async function handleCommand<State, Command, Event extends DomainEvent>(
  store: EventStore,
  streamId: string,
  decider: DeciderLike<State, Command, Event>,
  command: Command,
  context: CommandContext,
  options: HandleOptions<Event>,
): Promise<HandleResult<Event>> {
  // One command at a time per stream in this process: a hot stream (a drop's SKU) is then contended only across
  // processes, instead of every concurrent request re-deciding against every other one.
  return observeCommand(command, streamId, context.traceparent, () =>
    serialised(store, streamId, () => decideAndAppend(store, streamId, decider, command, context, options)),
  );
}

async function decideAndAppend<State, Command, Event extends DomainEvent>(
  store: EventStore,
  streamId: string,
  decider: DeciderLike<State, Command, Event>,
  command: Command,
  context: CommandContext,
  options: HandleOptions<Event>,
): Promise<HandleResult<Event>> {
  const maxAttempts = options.maxAttempts ?? 64;
  const fast = await appendOnCachedFold(store, streamId, decider, command, context, options);
  if (fast !== undefined && fast !== 'conflict') return fast;
  for (let attempt = fast === 'conflict' ? 2 : 1; ; attempt++) {
    const { state, revision, position } = await foldStream(store, streamId, decider, options.parse);
    if (options.ifMatch !== undefined && revision !== options.ifMatch)
      throw new HttpProblem(412, 'precondition_failed', 'Precondition failed', 'The resource changed since the revision in If-Match.', {
        currentRevision: revision === undefined ? null : String(revision),
      });
    const events = decider.decide(command, state);
    if (events.length === 0) return { events, revision, position, attempts: attempt };
    try {
      const appended = await appendDecided(store, streamId, decider, context, options, { state, revision }, events);
      return { events, ...appended, attempts: attempt };
    } catch (err) {
      if (!(err instanceof ConcurrencyError) || options.ifMatch !== undefined || attempt >= maxAttempts) throw err;
      await sleep(Math.random() * 5 * 2 ** Math.min(attempt, 6));
    }
  }
}

/**
 * The stream's current state: its cached fold (of the last command or read here) brought up to date with what was
 * appended since, by anyone — a read of the stream's tail, not of its whole history. With `maxStalenessMs`, a cached
 * fold known to have been the stream's state that recently (read or written by this process) is answered as it is,
 * without a read: for early answers that a later decision re-checks, never for deciding.
 */
export async function foldStream<State, Command, Event extends DomainEvent>(
  store: EventStore,
  streamId: string,
  decider: DeciderLike<State, Command, Event>,
  parse: (recorded: RecordedEvent) => Event,
  maxStalenessMs = 0,
): Promise<{ state: State; revision: bigint | undefined; position: Position | undefined }> {
  const cache = cacheOf<State>(store);
  const cached = cache.get(streamId);
  const readAt = performance.now();
  if (cached !== undefined && readAt - cached.currentAt <= maxStalenessMs) return cached;
  const from = cached === undefined ? 0n : cached.revision + 1n;
  const recorded = await store.readStream(streamId, { from });
  let state = cached?.state ?? decider.initialState();
  for (const r of recorded) state = decider.evolve(state, parse(r));
  const last = recorded.at(-1);
  const revision = last?.revision ?? cached?.revision;
  const position = last?.position ?? cached?.position;
  // A fold that raced with a newer one (a command meanwhile) does not replace it.
  const current = cache.get(streamId);
  if (revision !== undefined && position !== undefined && (current === undefined || current.revision <= revision))
    remember(cache, streamId, { state, revision, position, currentAt: readAt });
  return { state, revision, position };
}

/**
 * The fast path: a stream this process wrote last is decided on its cached fold and appended at the cached revision,
 * and a stream it has not seen is decided as a new one and appended as `no_stream`, with no read. The store's
 * revision check is the proof that nobody wrote in between; when somebody did (a conflict), or the decision is empty
 * or a refusal (which must hold for the stream as it is, not as cached), the caller reads the stream and decides
 * again (a conflict counts as its first attempt). A stream other processes write too (a conflict in the last second)
 * goes the reading way: a process that never reads would win every race against one that does, and starve its
 * commands. An `If-Match` always reads: it compares against the stored revision.
 */
async function appendOnCachedFold<State, Command, Event extends DomainEvent>(
  store: EventStore,
  streamId: string,
  decider: DeciderLike<State, Command, Event>,
  command: Command,
  context: CommandContext,
  options: HandleOptions<Event>,
): Promise<HandleResult<Event> | 'conflict' | undefined> {
  if (options.ifMatch !== undefined || isContended(store, streamId)) return undefined;
  const cached = cacheOf<State>(store).get(streamId);
  const state = cached?.state ?? decider.initialState();
  let events: readonly Event[];
  try {
    events = decider.decide(command, state);
  } catch {
    return undefined;
  }
  if (events.length === 0) return undefined;
  try {
    const appended = await appendDecided(store, streamId, decider, context, options, { state, revision: cached?.revision }, events);
    return { events, ...appended, attempts: 1 };
  } catch (err) {
    if (err instanceof ConcurrencyError) return 'conflict';
    // Decided on a state that was not the stream's: the read path decides again on the real one.
    if (err instanceof EventIdReusedError) return undefined;
    throw err;
  }
}

/**
 * Appends what was decided on `from` at its revision (`no_stream` when there is none) and caches the fold that
 * results; a failed append drops the cached fold, and a conflict marks the stream contended.
 */
async function appendDecided<State, Command, Event extends DomainEvent>(
  store: EventStore,
  streamId: string,
  decider: DeciderLike<State, Command, Event>,
  context: CommandContext,
  options: HandleOptions<Event>,
  from: { readonly state: State; readonly revision: bigint | undefined },
  events: readonly Event[],
): Promise<{ revision: bigint; position: Position }> {
  const cache = cacheOf<State>(store);
  // The stream was at the appended revision when the append committed, some time after this.
  const appendedAt = performance.now();
  try {
    const result = await observeAppend(streamId, () =>
      store.appendToStream(
        streamId,
        events.map((e, i) => toNewEvent(e, i, streamId, context, options.schemaVersionOf(e.type))),
        { expectedRevision: from.revision ?? 'no_stream' },
      ),
    );
    remember(cache, streamId, {
      state: events.reduce((s, e) => decider.evolve(s, e), from.state),
      revision: result.nextExpectedRevision,
      position: result.position,
      currentAt: appendedAt,
    });
    return { revision: result.nextExpectedRevision, position: result.position };
  } catch (err) {
    cache.delete(streamId);
    if (err instanceof ConcurrencyError) markContended(store, streamId);
    throw err;
  }
}

interface CachedFold<State> {
  readonly state: State;
  readonly revision: bigint;
  readonly position: Position;
  /** `performance.now()` at which the stream was known to be at `revision` (read or appended by this process). */
  readonly currentAt: number;
}

const maxCachedStreams = 10_000;
const contendedForMs = 1_000;
const caches = new WeakMap<EventStore, Map<string, CachedFold<unknown>>>();
const queues = new WeakMap<EventStore, Map<string, Promise<unknown>>>();
const contention = new WeakMap<EventStore, Map<string, number>>();

/** The store's own map of `perStore` (each store instance stands for a process of its own in tests). */
function mapOf<V>(perStore: WeakMap<EventStore, Map<string, V>>, store: EventStore): Map<string, V> {
  let byStream = perStore.get(store);
  if (byStream === undefined) {
    byStream = new Map();
    perStore.set(store, byStream);
  }
  return byStream;
}

const cacheOf = <State>(store: EventStore) => mapOf(caches, store) as Map<string, CachedFold<State>>;

/** Sets `key` as the newest entry; past `maxCachedStreams` the least recently set leaves (Map keeps insertion order). */
function remember<V>(map: Map<string, V>, key: string, value: V): void {
  map.delete(key);
  map.set(key, value);
  dropOldestBeyond(map, maxCachedStreams);
}

function markContended(store: EventStore, streamId: string): void {
  remember(mapOf(contention, store), streamId, Date.now() + contendedForMs);
}

function isContended(store: EventStore, streamId: string): boolean {
  const byStream = mapOf(contention, store);
  const until = byStream.get(streamId);
  if (until === undefined) return false;
  if (until > Date.now()) return true;
  byStream.delete(streamId);
  return false;
}

async function serialised<T>(store: EventStore, streamId: string, work: () => Promise<T>): Promise<T> {
  const byStream = mapOf(queues, store);
  const previous = byStream.get(streamId) ?? Promise.resolve();
  const current = previous.then(work, work);
  const settled = current.then(
    () => undefined,
    () => undefined,
  );
  byStream.set(streamId, settled);
  try {
    return await current;
  } finally {
    if (byStream.get(streamId) === settled) byStream.delete(streamId);
  }
}

/** The id of the `index`th event a command appends to a stream: a replayed command's events deduplicate in the store. */
export function eventIdOf(commandId: string, streamId: string, index: number): string {
  return deterministicUuid(`${commandId}\n${streamId}\n${index}`);
}

function toNewEvent(event: DomainEvent, index: number, streamId: string, context: CommandContext, schemaVersion: number): NewEvent {
  // The command's own span when tracing runs, so that what reacts to the event continues this trace.
  const traceparent = currentTraceparent() ?? context.traceparent;
  return {
    type: event.type,
    // Domain event data are zod-typed objects; the store validates them as JSON at run time.
    data: event.data as JsonObject,
    metadata: {
      eventId: eventIdOf(context.commandId, streamId, index),
      schemaVersion,
      occurredAt: context.now,
      actor: context.actor,
      ...(context.correlationId === undefined ? {} : { correlationId: context.correlationId }),
      ...(context.causationId === undefined ? {} : { causationId: context.causationId }),
      ...(traceparent === undefined ? {} : { traceparent }),
    },
  };
}

/** A UUID (version 8, RFC 9562 custom) derived from a name: the same command step always gets the same id. */
export function deterministicUuid(name: string): string {
  // One-shot `hash` (the same digest as createHash's): no Hash object per id, about half the CPU for these short names.
  const hex = hash('sha256', name, 'hex');
  const variant = ((Number.parseInt(hex.slice(16, 17), 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
