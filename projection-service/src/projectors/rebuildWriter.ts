import type { DocumentCollection, StoredDocument } from '@orderflow/platform';

export interface RebuildWriterOptions {
  /** Blue-green only: a document untouched for this many batches is written (default 2). */
  readonly quietBatches?: number;
  /** Blue-green only: most documents held back; past it the least recently touched are written (default 20,000). */
  readonly maxHeld?: number;
  /** Most stored documents remembered, so that a later batch need not read them back (default 20,000). */
  readonly maxRemembered?: number;
}

/**
 * How a document projector writes during a rebuild, when it is the only writer of a collection it has just emptied.
 * The documents it wrote are remembered (bounded), so a batch reads back only those it forgot; a document it never
 * wrote is new and goes in with the store's `fresh` hint (no read). In a blue-green rebuild the shadow is served to
 * nobody and its checkpoint does not move, so documents are also held back until quiet for a few batches: most are
 * then inserted once, in their final state, instead of being updated (FerretDB 1.x finds a document to update with a
 * scan of the whole collection). `flush` writes what is held, before the swap; a failed rebuild drops the shadow.
 *
 * A batch's changes are adopted only once its writes succeeded, so a retried batch folds from the same state.
 */
export interface RebuildWriter<T extends StoredDocument> {
  /** A rebuild begins on an emptied collection (or an empty shadow with `holdBack`). */
  start(holdBack: boolean): void;
  /** Whether a rebuild is in progress. */
  active(): boolean;
  /** The current documents of these ids (absent ones are new). */
  load(collection: DocumentCollection<T>, ids: readonly string[]): Promise<Map<string, T>>;
  /** Writes (or holds back) the documents a batch changed. */
  write(collection: DocumentCollection<T>, changed: ReadonlyMap<string, T>): Promise<void>;
  /** Writes everything held back. */
  flush(collection: DocumentCollection<T>): Promise<void>;
  stop(): void;
}

export function createRebuildWriter<T extends StoredDocument>(
  idField: keyof T & string,
  options: RebuildWriterOptions = {},
): RebuildWriter<T> {
  const quietBatches = options.quietBatches ?? 2;
  const maxHeld = options.maxHeld ?? 20_000;
  const maxRemembered = options.maxRemembered ?? 20_000;
  let running = false;
  let holdBack = false;
  let batch = 0;
  /** Ids written since the rebuild began. */
  let stored = new Set<string>();
  /** The most recently written documents, as stored (least recent first). */
  let remembered = new Map<string, T>();
  /** Held back (blue-green): documents not written yet, with the batch that last touched them (least recent first). */
  let held = new Map<string, { readonly doc: T; readonly batch: number }>();

  async function persist(collection: DocumentCollection<T>, docs: readonly T[]): Promise<void> {
    const id = (doc: T) => String(doc[idField]);
    const fresh = docs.filter((doc) => !stored.has(id(doc)));
    const known = docs.filter((doc) => stored.has(id(doc)));
    if (fresh.length > 0) await collection.upsertMany(fresh, { fresh: true });
    if (known.length > 0) await collection.upsertMany(known);
    for (const doc of docs) {
      stored.add(id(doc));
      remembered.delete(id(doc));
      remembered.set(id(doc), doc);
    }
    for (const oldest of remembered.keys()) {
      if (remembered.size <= maxRemembered) break;
      remembered.delete(oldest);
    }
  }

  return {
    start(blueGreen) {
      running = true;
      holdBack = blueGreen;
      batch = 0;
      stored = new Set();
      remembered = new Map();
      held = new Map();
    },
    active: () => running,

    async load(collection, ids) {
      const found = new Map<string, T>();
      const forgotten: string[] = [];
      for (const id of ids) {
        const doc = held.get(id)?.doc ?? remembered.get(id);
        if (doc !== undefined) found.set(id, doc);
        else if (stored.has(id)) forgotten.push(id);
      }
      for (const doc of await collection.getMany(forgotten)) found.set(String(doc[idField]), doc);
      return found;
    },

    async write(collection, changed) {
      const current = batch + 1;
      if (!holdBack) {
        await persist(collection, [...changed.values()]);
        batch = current;
        return;
      }
      const next = new Map(held);
      for (const [id, doc] of changed) {
        next.delete(id);
        next.set(id, { doc, batch: current });
      }
      const due: string[] = [];
      for (const [id, entry] of next)
        if (current - entry.batch >= quietBatches || next.size - due.length > maxHeld) due.push(id);
        else break;
      await persist(
        collection,
        due.map((id) => next.get(id)?.doc).filter((doc) => doc !== undefined),
      );
      for (const id of due) next.delete(id);
      held = next;
      batch = current;
    },

    async flush(collection) {
      await persist(
        collection,
        [...held.values()].map((entry) => entry.doc),
      );
      held = new Map();
    },

    stop() {
      running = false;
      stored = new Set();
      remembered = new Map();
      held = new Map();
    },
  };
}
