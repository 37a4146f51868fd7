/**
 * The document-store port (DESIGN.md §2, §5): what the document read models (order history, notifications) and the
 * query API need, and no more. Two adapters: MongoDB (also FerretDB) and PostgreSQL JSONB (the embedded topology).
 *
 * Every write is guarded by a position stored in the document (`positionField`): a document is replaced only when
 * the incoming position is past the stored one, so a replayed batch changes nothing. One active writer per
 * collection is assumed (one active instance per processor); FerretDB has no multi-document transactions.
 */

/** A stored document: a JSON object. */
export type StoredDocument = Readonly<Record<string, unknown>>;

export interface CollectionOptions<T extends StoredDocument> {
  /** The member that holds the document's unique id (a string). */
  readonly idField: keyof T & string;
  /** The member that holds the position (opaque, ordered as strings) of the last change applied. */
  readonly positionField: keyof T & string;
}

export interface IndexSpec {
  /** Unique within the collection. */
  readonly name: string;
  /** Top-level members, in order; ties after the last are broken by id. */
  readonly fields: readonly { readonly field: string; readonly direction: 'asc' | 'desc' }[];
}

/** Equality on top-level members (strings, numbers, booleans). */
export type Where = Readonly<Record<string, string | number | boolean>>;

export interface FindQuery {
  readonly where?: Where;
  /** Keyset pagination and ranges: the results are ordered by `sort.field`, then by id, both in `sort.direction`. */
  readonly sort: { readonly field: string; readonly direction: 'asc' | 'desc' };
  /** Bounds on the sort field (strings compared bytewise): `from` inclusive, `to` exclusive. */
  readonly range?: { readonly from?: string; readonly to?: string };
  /** Only documents strictly after this `(sort value, id)` in the sort order: the cursor of the previous page. */
  readonly after?: { readonly value: string; readonly id: string };
  /** 1..1000. */
  readonly limit: number;
}

export interface UpsertOptions {
  /** Members written only when the document is created (e.g. a notification's `read`), kept on every later write. */
  readonly insertOnly?: readonly string[];
  /**
   * A hint from a writer filling a collection it just emptied (a rebuild): it believes none of these documents is
   * stored yet, so the adapter may insert without reading first. A document that does exist (a retried batch) is
   * still written only past its stored position.
   */
  readonly fresh?: boolean;
}

export interface UpsertResult {
  /** Documents created or replaced; the others were already at or past the incoming position. */
  readonly written: number;
}

export interface DocumentCollection<T extends StoredDocument> {
  readonly name: string;
  get(id: string): Promise<T | undefined>;
  /** The documents of these ids that exist, in no particular order. */
  getMany(ids: readonly string[]): Promise<T[]>;
  find(query: FindQuery): Promise<T[]>;
  count(where?: Where): Promise<number>;
  /** Position-guarded bulk upsert (unordered): each document is written only if its stored position is older. */
  upsertMany(documents: readonly T[], options?: UpsertOptions): Promise<UpsertResult>;
  /** Sets members of one document without touching its position (customer state such as `read`); false if missing. */
  update(id: string, set: Partial<T>): Promise<boolean>;
  /** Creates the collection if needed, then any index of `indexes` that is missing. Idempotent. */
  ensure(indexes?: readonly IndexSpec[]): Promise<void>;
  /** Removes every document (keeps the collection and its indexes). */
  clear(): Promise<void>;
  drop(): Promise<void>;
}

export interface DocumentStore {
  readonly kind: 'mongo' | 'postgres';
  collection<T extends StoredDocument>(name: string, options: CollectionOptions<T>): DocumentCollection<T>;
  /**
   * Atomically replaces collection `target` by `source` (blue-green): readers of `target` see either the old or the
   * new documents, never an empty or missing collection; `source` no longer exists afterwards.
   */
  swap(source: string, target: string): Promise<void>;
  close(): Promise<void>;
}
