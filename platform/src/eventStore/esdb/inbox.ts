import type { Readable } from 'node:stream';
import type { AllStreamResolvedEvent, Position as EsdbPosition } from '@eventstore/db-client';

export type InboxItem =
  { readonly kind: 'event'; readonly resolved: AllStreamResolvedEvent } | { readonly kind: 'checkpoint'; readonly position: EsdbPosition };

/**
 * One server subscription's events (its readable side) and checkpoints (the client's `checkpointReached` callback)
 * merged into one queue, in server order. The client has pushed every earlier event into the readable buffer before
 * it calls the callback, and awaits the callback before the next response; so draining that buffer first keeps each
 * checkpoint behind the events it covers. A checkpoint overtaking an event would let a consumer that stores it skip
 * that event for good.
 */
export class SubscriptionInbox {
  readonly #items: InboxItem[] = [];
  readonly #highWater: number;
  #source: Readable | undefined;
  #failure: { readonly error: unknown } | undefined;
  #ended = false;
  #wake: (() => void) | undefined;

  /** `highWater`: items queued before the inbox stops reading, which lets backpressure reach the server. */
  constructor(highWater = 256) {
    this.#highWater = highWater;
  }

  attach(source: Readable): void {
    this.#source = source;
    source.on('readable', () => {
      this.#pull(false);
    });
    source.on('error', (error: unknown) => {
      // Events the server sent before failing are still valid: queue them ahead of the failure.
      this.#pull(true);
      this.#failure ??= { error };
      this.#notify();
    });
    const end = () => {
      this.#ended = true;
      this.#notify();
    };
    source.on('end', end);
    source.on('close', end);
  }

  /** The client's `checkpointReached` callback. */
  readonly checkpoint = (_subscription: unknown, position: EsdbPosition): void => {
    this.#pull(true);
    this.#items.push({ kind: 'checkpoint', position });
    this.#notify();
  };

  /**
   * The next item in server order; `undefined` when `signal` has aborted or the source ended. A failure of the
   * source is thrown once the items before it have been taken.
   */
  async take(signal?: AbortSignal): Promise<InboxItem | undefined> {
    for (;;) {
      if (signal?.aborted === true) return undefined;
      const item = this.#items.shift();
      if (item !== undefined) {
        if (this.#items.length < this.#highWater / 2) this.#pull(false);
        return item;
      }
      if (this.#failure !== undefined) throw this.#failure.error;
      if (this.#ended) return undefined;
      this.#pull(false);
      if (this.#items.length === 0) await this.#news(signal);
    }
  }

  #pull(all: boolean): void {
    const source = this.#source;
    if (source === undefined) return;
    const before = this.#items.length;
    while (all || this.#items.length < this.#highWater) {
      const chunk: unknown = source.read();
      if (chunk === null) break;
      if (isResolvedEvent(chunk)) this.#items.push({ kind: 'event', resolved: chunk });
    }
    if (this.#items.length > before) this.#notify();
  }

  #news(signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        signal?.removeEventListener('abort', done);
        this.#wake = undefined;
        resolve();
      };
      this.#wake = done;
      signal?.addEventListener('abort', done, { once: true });
    });
  }

  #notify(): void {
    this.#wake?.();
  }
}

/** The client's converter builds a plain object with an optional `event`, `link` and `commitPosition`. */
function isResolvedEvent(chunk: unknown): chunk is AllStreamResolvedEvent {
  if (typeof chunk !== 'object' || chunk === null) return false;
  return !('event' in chunk) || chunk.event === undefined || (typeof chunk.event === 'object' && chunk.event !== null);
}
