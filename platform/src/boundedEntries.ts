/**
 * Keeps an insertion-ordered Set or Map (the caches and "seen" sets of the services) at most `max` entries long by
 * dropping its oldest entries: call it right after adding one.
 */
export function dropOldestBeyond(entries: Pick<Set<unknown>, 'size' | 'keys' | 'delete'>, max: number): void {
  for (const oldest of entries.keys()) {
    if (entries.size <= max) return;
    entries.delete(oldest);
  }
}
