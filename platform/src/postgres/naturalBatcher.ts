interface Queued<T, R> {
  readonly item: T;
  readonly resolve: (result: R) => void;
  readonly reject: (err: unknown) => void;
}

/**
 * Natural batching of small statements: items handed in while a batch is on its way go together as the next batch, so
 * under load many callers share one statement and one round trip, and a lone item goes at once (no timer, no
 * added latency). Each caller's promise settles with its batch, with its own item's result (`write` answers one per
 * item, in order, or nothing for a plain write); a failed batch is retried item by item, so only the
 * guilty item fails. Two items with the same key never share a batch (the later waits for the next), so one key's
 * writes land in the order they were made.
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

  async #runNext(): Promise<void> {
    const batch: Queued<T, R>[] = [];
    const rest: Queued<T, R>[] = [];
    const keys = new Set<string>();
    for (const entry of this.#queue) {
      const key = this.keyOf(entry.item);
      if (batch.length >= this.maxItems || keys.has(key)) rest.push(entry);
      else {
        batch.push(entry);
        keys.add(key);
      }
    }
    this.#queue = rest;
    this.#running = true;
    try {
      await this.#send(batch.map((entry) => entry.item)).then(
        (results) => {
          for (const [i, entry] of batch.entries()) entry.resolve(results[i] as R);
        },
        async (err: unknown) => {
          if (batch.length === 1) batch[0]?.reject(err);
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
