import type { CollectionOptions, DocumentCollection, DocumentStore, IndexSpec, StoredDocument } from '@orderflow/platform';

export interface DocumentModelSpec<T extends StoredDocument> extends CollectionOptions<T> {
  /** Stable collection name (the query service reads it). */
  readonly name: string;
  readonly indexes: readonly IndexSpec[];
}

/**
 * Where a document projector writes: the live collection, or during a blue-green rebuild its shadow
 * (`<name>_shadow`) until `swap` replaces the live one in a single step.
 */
export interface DocumentTarget<T extends StoredDocument> {
  readonly live: DocumentCollection<T>;
  current(): DocumentCollection<T>;
  ensure(): Promise<void>;
  prepare(blueGreen: boolean): Promise<void>;
  swap(): Promise<void>;
}

export function createDocumentTarget<T extends StoredDocument>(documents: DocumentStore, spec: DocumentModelSpec<T>): DocumentTarget<T> {
  const options = { idField: spec.idField, positionField: spec.positionField };
  const live = documents.collection<T>(spec.name, options);
  const shadow = documents.collection<T>(`${spec.name}_shadow`, options);
  let current = live;
  return {
    live,
    current: () => current,
    ensure: () => live.ensure(spec.indexes),
    async prepare(blueGreen) {
      if (blueGreen) {
        await shadow.drop();
        await shadow.ensure(spec.indexes);
        current = shadow;
      } else {
        await live.ensure(spec.indexes);
        await live.clear();
        current = live;
      }
    },
    async swap() {
      await documents.swap(shadow.name, live.name);
      current = live;
    },
  };
}
