import type { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { START, type AllStreamRecordedEvent, type Position as EsdbPosition, type ReadPosition } from '@eventstore/db-client';
import { comparePositions } from '../position.js';
import type { Position, RecordedEvent, SubscribeToAllOptions, SubscriptionItem } from '../types.js';
import { SubscriptionInbox, type InboxItem } from './inbox.js';
import { toEsdbPosition, toPosition } from './mapping.js';

export interface BackoffSettings {
  readonly initialMs: number;
  readonly maxMs: number;
}

export const defaultBackoff: BackoffSettings = { initialMs: 200, maxMs: 15_000 };

/**
 * Equal jitter: half the capped exponential delay plus a random share of the other half, so subscribers dropped
 * together (a server restart) do not all come back in the same instant.
 */
export function backoffDelay(failures: number, { initialMs, maxMs }: BackoffSettings, random: () => number = Math.random): number {
  const ceiling = Math.min(maxMs, initialMs * 2 ** Math.min(failures, 30));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

/** What the client's subscription is, as far as resubscribing needs. */
export interface SubscriptionSource extends Readable {
  unsubscribe(): Promise<void>;
}

export interface SubscriptionDeps {
  /** Opens one server subscription after `from` (exclusive), reporting checkpoints through `onCheckpoint`. */
  readonly open: (from: ReadPosition, onCheckpoint: (subscription: unknown, position: EsdbPosition) => void) => SubscriptionSource;
  /** The position of the last record in the log, system records included; `undefined` when it is empty. */
  readonly head: () => Promise<Position | undefined>;
  /** The event as the port sees it, or `undefined` when the client-side part of the filter drops it. */
  readonly toEvent: (event: AllStreamRecordedEvent) => RecordedEvent | undefined;
  readonly isTransient: (error: unknown) => boolean;
  readonly backoff: BackoffSettings;
}

/**
 * Catch-up then live over `$all`, surviving dropped connections: after a transient failure (or the server ending
 * the call) it resubscribes after the last position it delivered or passed, with jittered backoff. Anything at or
 * before that position is dropped, so a resubscription neither repeats nor, since ESDB resumes strictly after it,
 * skips a position.
 */
export async function* resilientSubscription(
  deps: SubscriptionDeps,
  options: Pick<SubscribeToAllOptions, 'from' | 'signal'>,
): AsyncGenerator<SubscriptionItem> {
  const { from, signal } = options;
  const aborted = () => signal?.aborted === true;
  let last: Position | undefined = from === 'start' || from === 'end' ? undefined : from;
  if (last !== undefined) toEsdbPosition(last);
  if (from === 'end') {
    // Resolving `end` to a concrete position gives a resumable checkpoint at once, and lets the server catch up
    // (sending a checkpoint when it goes live) instead of starting live with nothing to report.
    last = await deps.head();
    if (last !== undefined && !aborted()) yield { kind: 'checkpoint', position: last };
  }
  let failures = 0;
  while (!aborted()) {
    const inbox = new SubscriptionInbox();
    const source = deps.open(last === undefined ? START : toEsdbPosition(last), inbox.checkpoint);
    inbox.attach(source);
    try {
      for (let raw = await inbox.take(signal); raw !== undefined; raw = await inbox.take(signal)) {
        failures = 0;
        const position = positionOf(raw);
        if (position === undefined || (last !== undefined && comparePositions(position, last) <= 0)) continue;
        last = position;
        const item = toItem(raw, position, deps);
        if (item !== undefined) yield item;
      }
    } catch (error) {
      if (!deps.isTransient(error)) throw error;
    } finally {
      await source.unsubscribe().catch(() => undefined);
      source.destroy();
    }
    if (aborted()) return;
    await sleep(backoffDelay(failures, deps.backoff), undefined, { signal }).catch(() => undefined);
    failures += 1;
  }
}

function positionOf(raw: InboxItem): Position | undefined {
  if (raw.kind === 'checkpoint') return toPosition(raw.position);
  return raw.resolved.event === undefined ? undefined : toPosition(raw.resolved.event.position);
}

function toItem(raw: InboxItem, position: Position, deps: SubscriptionDeps): SubscriptionItem | undefined {
  if (raw.kind === 'checkpoint') return { kind: 'checkpoint', position };
  const event = raw.resolved.event === undefined ? undefined : deps.toEvent(raw.resolved.event);
  return event === undefined ? undefined : { kind: 'event', event };
}
