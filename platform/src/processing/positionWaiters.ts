import { comparePositions } from '../eventStore/position.js';
import type { Position } from '../eventStore/types.js';

interface Waiter {
  readonly position: Position;
  settle(passed: boolean): void;
}

/** Callers waiting for one checkpoint to reach a position: `true` once it has, `false` on timeout, abort or close. */
export class PositionWaiters {
  readonly #waiters = new Set<Waiter>();

  wait(position: Position, options: { readonly timeoutMs?: number; readonly signal?: AbortSignal } = {}): Promise<boolean> {
    const { timeoutMs, signal } = options;
    return new Promise((resolve) => {
      const waiter: Waiter = {
        position,
        settle: (passed) => {
          clearTimeout(timer);
          signal?.removeEventListener('abort', onAbort);
          this.#waiters.delete(waiter);
          resolve(passed);
        },
      };
      const onAbort = () => {
        waiter.settle(false);
      };
      const timer = timeoutMs === undefined ? undefined : setTimeout(onAbort, timeoutMs);
      this.#waiters.add(waiter);
      signal?.addEventListener('abort', onAbort, { once: true });
      if (signal?.aborted === true) onAbort();
    });
  }

  /** Releases every waiter whose position `checkpoint` has reached. */
  advance(checkpoint: Position): void {
    for (const waiter of [...this.#waiters]) if (comparePositions(checkpoint, waiter.position) >= 0) waiter.settle(true);
  }

  get size(): number {
    return this.#waiters.size;
  }

  closeAll(): void {
    for (const waiter of [...this.#waiters]) waiter.settle(false);
  }
}

export function reached(checkpoint: Position | undefined, position: Position): boolean {
  return checkpoint !== undefined && comparePositions(checkpoint, position) >= 0;
}
