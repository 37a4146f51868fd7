import { comparePositions, type Position } from '@orderflow/platform';
import type { CheckpointWatcher } from '../consistency.js';

/**
 * Checkpoints moved by the test itself, behind the same interface as platform's watcher: for the route-level specs
 * (the end-to-end spec runs the real processors and watcher). Its log has one event per transaction id (the positions
 * of `positionAt`), each a second older than the next: `distance` counts them.
 */
export function createManualCheckpoints(): CheckpointWatcher & { advance(name: string, position: string): void } {
  const checkpoints = new Map<string, Position>();
  const listeners = new Set<(name: string, position: Position) => void>();
  return {
    current: (name) => Promise.resolve(checkpoints.get(name)),
    waitFor(name, position, { timeoutMs, signal }) {
      return new Promise<boolean>((resolve) => {
        const check = (n: string) => {
          const at = checkpoints.get(n);
          if (n !== name || at === undefined || comparePositions(at, position) < 0) return;
          done();
          resolve(true);
        };
        const timer = setTimeout(() => {
          done();
          resolve(false);
        }, timeoutMs);
        const onAbort = () => {
          done();
          resolve(false);
        };
        const done = () => {
          clearTimeout(timer);
          listeners.delete(check);
          signal?.removeEventListener('abort', onAbort);
        };
        listeners.add(check);
        signal?.addEventListener('abort', onAbort);
        check(name);
      });
    },
    onCheckpoint(listener) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
    distance(checkpoint, position) {
      const major = (at: Position) => BigInt(`0x${at.slice(0, 16)}`);
      const from = checkpoint === undefined ? 0n : major(checkpoint);
      const to = major(position);
      const eventsBehind = to > from ? Number(to - from) : 0;
      return Promise.resolve({ eventsBehind, secondsBehind: eventsBehind });
    },
    advance(name, position) {
      checkpoints.set(name, position as Position);
      for (const listener of [...listeners]) listener(name, position as Position);
    },
  };
}
