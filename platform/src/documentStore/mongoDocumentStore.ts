import { randomBytes } from 'node:crypto';
import {
  MongoBulkWriteError,
  MongoClient,
  MongoServerError,
  type AnyBulkWriteOperation,
  type Collection,
  type Db,
  type Document,
  type Filter,
} from 'mongodb';
import { checkCollectionName, checkFieldName, checkLimit } from './names.js';
import type { CollectionOptions, DocumentCollection, DocumentStore, FindQuery, IndexSpec, StoredDocument, Where } from './types.js';

export interface MongoDocumentStoreOptions {
  readonly url: string;
  /** Defaults to the database named in the URL, else `orderflow`. */
  readonly dbName?: string;
  /** How long a reader may keep using a collection name resolved before a swap (default 1 s). */
  readonly aliasTtlMs?: number;
}

interface Alias {
  _id: string;
  physical: string;
  /** The collection a swap replaced: dropped by the next swap (or after a grace period), once no reader uses it. */
  retired?: string;
}

type Stored = Document & { _id: string };

const duplicateKey = 11000;

/**
 * The document store on MongoDB, written to also run on FerretDB 1.x: no transactions, no change streams, no array
 * filters, no partial indexes, no `renameCollection` with `dropTarget`. The document id is stored as `_id` (and kept
 * in its own member too).
 *
 * Blue-green swaps go through aliases (collection `orderflow_aliases`: logical name → physical collection), since
 * FerretDB cannot replace a collection atomically: a swap is one single-document update. Readers cache an alias for
 * `aliasTtlMs`; writers resolve it on every call; a replaced collection is dropped only after a grace period.
 */
export async function createMongoDocumentStore(options: MongoDocumentStoreOptions): Promise<DocumentStore> {
  const client = new MongoClient(options.url);
  await client.connect();
  const db = client.db(options.dbName ?? (new URL(options.url).pathname.slice(1) || 'orderflow'));
  const aliases = db.collection<Alias>('orderflow_aliases');
  const ttlMs = options.aliasTtlMs ?? 1000;
  const cache = new Map<string, { physical: string; at: number }>();
  const timers = new Set<NodeJS.Timeout>();

  async function resolve(name: string, fresh: boolean): Promise<Collection<Stored>> {
    const cached = cache.get(name);
    if (!fresh && cached !== undefined && Date.now() - cached.at < ttlMs) return db.collection<Stored>(cached.physical);
    const alias = await aliases.findOne({ _id: name });
    const physical = alias?.physical ?? name;
    cache.set(name, { physical, at: Date.now() });
    return db.collection<Stored>(physical);
  }

  const dropQuietly = (name: string) => db.collection(name).drop().catch(ignoreMissing);

  return {
    kind: 'mongo',
    collection: <T extends StoredDocument>(name: string, collectionOptions: CollectionOptions<T>) =>
      mongoCollection<T>(checkCollectionName(name), (fresh) => resolve(name, fresh), db, collectionOptions),

    async swap(source, target) {
      const incoming = (await resolve(checkCollectionName(source), true)).collectionName;
      const outgoing = (await resolve(checkCollectionName(target), true)).collectionName;
      const previous = await aliases.findOne({ _id: target });
      await aliases.updateOne({ _id: target }, { $set: { physical: incoming, retired: outgoing } }, { upsert: true });
      // The source name now leads to a fresh, empty collection, as after a rename.
      await aliases.updateOne({ _id: source }, { $set: { physical: `${source}_${randomBytes(4).toString('hex')}` } }, { upsert: true });
      cache.delete(source);
      cache.set(target, { physical: incoming, at: Date.now() });
      if (previous?.retired !== undefined && previous.retired !== incoming) await dropQuietly(previous.retired);
      const timer = setTimeout(() => {
        timers.delete(timer);
        void dropQuietly(outgoing);
      }, ttlMs * 10);
      timer.unref();
      timers.add(timer);
    },

    async close() {
      for (const timer of timers) clearTimeout(timer);
      await client.close();
    },
  };
}

function ignoreMissing(err: unknown): void {
  if (!(err instanceof MongoServerError && err.codeName === 'NamespaceNotFound')) throw err;
}

// eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters -- the caller names the document type it stored
function withoutId<T extends StoredDocument>(stored: Stored): T {
  const doc: Record<string, unknown> = { ...stored };
  delete doc._id;
  return doc as T;
}

function mongoCollection<T extends StoredDocument>(
  name: string,
  target: (fresh: boolean) => Promise<Collection<Stored>>,
  db: Db,
  { idField, positionField }: CollectionOptions<T>,
): DocumentCollection<T> {
  const reader = () => target(false);
  const writer = () => target(true);
  const filterOf = (where: Where | undefined): Filter<Stored> => {
    const filter: Document = {};
    for (const [field, value] of Object.entries(where ?? {})) filter[checkFieldName(field)] = value;
    return filter;
  };

  return {
    name,

    async get(id) {
      const found = await (await reader()).findOne({ _id: id });
      return found === null ? undefined : withoutId<T>(found);
    },

    async getMany(ids) {
      if (ids.length === 0) return [];
      const found = await (await reader()).find({ _id: { $in: [...ids] } }).toArray();
      return found.map((d) => withoutId<T>(d));
    },

    async find(query: FindQuery) {
      const field = checkFieldName(query.sort.field);
      const direction = query.sort.direction === 'desc' ? -1 : 1;
      const filter: Document = filterOf(query.where);
      const bounds: Document = {};
      if (query.range?.from !== undefined) bounds.$gte = query.range.from;
      if (query.range?.to !== undefined) bounds.$lt = query.range.to;
      const and: Document[] = [];
      if (Object.keys(bounds).length > 0) and.push({ [field]: bounds });
      if (query.after !== undefined) {
        const beyond = direction === -1 ? '$lt' : '$gt';
        and.push({
          $or: [{ [field]: { [beyond]: query.after.value } }, { [field]: query.after.value, _id: { [beyond]: query.after.id } }],
        });
      }
      if (and.length > 0) filter.$and = and;
      const found = await (
        await reader()
      )
        .find(filter)
        .sort({ [field]: direction, _id: direction })
        .limit(checkLimit(query.limit))
        .toArray();
      return found.map((d) => withoutId<T>(d));
    },

    count: async (where) => (await reader()).countDocuments(filterOf(where)),

    async upsertMany(documents, options = {}) {
      if (documents.length === 0) return { written: 0 };
      const insertOnly = new Set(options.insertOnly?.map(checkFieldName));
      const collection = await writer();
      let inserted = 0;
      if (options.fresh === true) {
        // FerretDB 1.x finds a document by `_id` with a scan of the whole collection, while an insert only probes the
        // unique `_id` index: inserting blind is what keeps a rebuild fast there.
        try {
          const result = await collection.insertMany(
            documents.map((doc) => ({ ...doc, _id: String(doc[idField]) })),
            { ordered: false },
          );
          return { written: result.insertedCount };
        } catch (err) {
          // Some were stored already (a retried batch): the guarded path below sorts them out.
          if (!(err instanceof MongoBulkWriteError && err.code === duplicateKey)) throw err;
          inserted = err.insertedCount;
        }
      }
      // FerretDB ends an unordered bulk write at its first error, so an upsert whose guard misses (a duplicate-key
      // error on MongoDB) cannot be used: read the stored positions first, then insert the new documents and
      // update the older ones (the guard stays in the filter).
      for (let attempt = 1; ; attempt += 1) {
        const ids = documents.map((doc) => String(doc[idField]));
        const stored = await collection.find({ _id: { $in: ids } }, { projection: { [positionField]: 1 } }).toArray();
        const positions = new Map(stored.map((d) => [d._id, String(d[positionField])]));
        const operations: AnyBulkWriteOperation<Stored>[] = [];
        documents.forEach((doc, i) => {
          const id = ids[i] ?? '';
          const position = String(doc[positionField]);
          const current = positions.get(id);
          if (current === undefined) operations.push({ insertOne: { document: { ...doc, _id: id } } });
          else if (current < position) {
            const set: Document = {};
            for (const [key, value] of Object.entries(doc)) if (!insertOnly.has(key)) set[key] = value;
            operations.push({ updateOne: { filter: { _id: id, [positionField]: { $lt: position } }, update: { $set: set } } });
          }
        });
        if (operations.length === 0) return { written: inserted };
        try {
          const result = await collection.bulkWrite(operations, { ordered: false });
          return { written: inserted + result.insertedCount + result.modifiedCount };
        } catch (err) {
          // Another writer inserted one of the ids meanwhile: read again (the guards make a retry harmless).
          if (!(err instanceof MongoBulkWriteError && err.code === duplicateKey) || attempt >= 3) throw err;
        }
      }
    },

    async update(id, set) {
      const result = await (await writer()).updateOne({ _id: id }, { $set: set as Document });
      return result.matchedCount === 1;
    },

    async ensure(indexes: readonly IndexSpec[] = []) {
      const collection = await writer();
      const exists = await db.listCollections({ name: collection.collectionName }, { nameOnly: true }).hasNext();
      if (!exists)
        await db.createCollection(collection.collectionName).catch((err: unknown) => {
          // Created meanwhile by another process.
          if (!(err instanceof MongoServerError && err.codeName === 'NamespaceExists')) throw err;
        });
      for (const index of indexes) {
        const direction = index.fields.at(-1)?.direction === 'desc' ? -1 : 1;
        const keys: Record<string, 1 | -1> = {};
        for (const f of index.fields) keys[checkFieldName(f.field)] = f.direction === 'desc' ? -1 : 1;
        keys._id = direction;
        await collection.createIndex(keys, { name: checkFieldName(index.name) }, undefined);
      }
    },

    async clear() {
      await (await writer()).deleteMany({});
    },

    async drop() {
      await (await writer()).drop().catch(ignoreMissing);
    },
  };
}
