interface Queued<T, R> {
  readonly item: T;
  readonly resolve: (result: R) => void;
  readonly reject: (err: unknown) => void;
}

/**
 * Natural batching of small statements: items handed in while a batch is on its way go together as the next batch, so
 * under load many callers share one statement and one round trip, and a lone item goes at once (no timer, no
 * added latency). Each caller's promise settles with its batch, with its own item's result (`write` answers one per
 * item, in order, or nothing for a plain write). A batch refused for its data (SQLSTATE class 22 or 23: a bad value,
 * a constraint) is retried item by item, so only the guilty item fails; any other failure (a lost connection, a
 * server going down) fails the whole batch at once rather than trying each item against a server that is not there.
 * Two items with the same key never share a batch (the later waits for the next), so one key's writes land in the
 * order they were made.
 */
export class NaturalBatcher<T, R = void> {
  #queue: Queued<T, R>[] = [];
  #running = false;
  #scheduled = false;

  constructor(
    private readonly write: (items: readonly T[]) => Promise<readonly R[]> | Promise<void>,
    private readonly keyOf: (item: T) => string,
    private readonly maxItems = 500,
  ) {}

  add(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.#queue.push({ item, resolve, reject });
      this.#schedule();
    });
  }

  #schedule(): void {
    if (this.#scheduled || this.#running || this.#queue.length === 0) return;
    // Items added in the same turn of the event loop (callers woken by the last batch) join one batch.
    this.#scheduled = true;
    setImmediate(() => {
      this.#scheduled = false;
      void this.#runNext();
    });
  }

  /** The write's results, one per item (none for a plain write). */
  async #send(items: readonly T[]): Promise<readonly unknown[]> {
    const results: unknown = await this.write(items);
    return Array.isArray(results) ? (results as readonly unknown[]) : [];
  }

  /** The oldest queued items with distinct keys, at most `maxItems`; an item whose key cannot be had fails alone. */
  #take(): Queued<T, R>[] {
    const batch: Queued<T, R>[] = [];
    const rest: Queued<T, R>[] = [];
    const keys = new Set<string>();
    for (const entry of this.#queue) {
      let key: string;
      try {
        key = this.keyOf(entry.item);
      } catch (err) {
        entry.reject(err);
        continue;
      }
      if (batch.length >= this.maxItems || keys.has(key)) rest.push(entry);
      else {
        batch.push(entry);
        keys.add(key);
      }
    }
    this.#queue = rest;
    return batch;
  }

  async #runNext(): Promise<void> {
    const batch = this.#take();
    this.#running = true;
    try {
      await this.#send(batch.map((entry) => entry.item)).then(
        (results) => {
          for (const [i, entry] of batch.entries()) entry.resolve(results[i] as R);
        },
        async (err: unknown) => {
          if (batch.length === 1 || !refusedForItsData(err)) for (const entry of batch) entry.reject(err);
          else
            for (const entry of batch)
              await this.#send([entry.item]).then(
                (results) => {
                  entry.resolve(results[0] as R);
                },
                (itemErr: unknown) => {
                  entry.reject(itemErr);
                },
              );
        },
      );
    } finally {
      this.#running = false;
      this.#schedule();
    }
  }
}

/** A statement refused for what it was given (data exception or integrity constraint), not for the server's state. */
function refusedForItsData(err: unknown): boolean {
  const code = typeof err === 'object' && err !== null && 'code' in err ? err.code : undefined;
  return typeof code === 'string' && (code.startsWith('22') || code.startsWith('23'));
}
