import { performance } from 'node:perf_hooks';
import { MongoClient } from 'mongodb';
import { round } from './stats.js';

export interface DocumentCeiling {
  readonly collection: string;
  readonly documents: number;
  readonly seconds: number;
  readonly documentsPerSecond: number;
  /** The projection's events over the time the bare inserts took: no projection of them can beat it here. */
  readonly eventsPerSecond: number;
}

/**
 * The ceiling of a document projection on a MongoDB-compatible server: the very documents the rebuild produced, each
 * written once with the bare driver (`insertMany`, unordered, 1,000 at a time) into an empty collection, with nothing
 * read, folded or checked. A rebuild must at least write every final document once, so its events/s cannot exceed
 * `events / seconds` of these inserts on the same server.
 */
export async function measureDocumentCeiling(url: string, dbName: string, collection: string, events: number): Promise<DocumentCeiling> {
  const client = await new MongoClient(url).connect();
  try {
    const db = client.db(dbName);
    // Blue-green swaps go through platform's alias collection: the live documents are wherever the alias points.
    const alias = await db.collection<{ _id: string; physical: string }>('orderflow_aliases').findOne({ _id: collection });
    const documents = await db
      .collection(alias?.physical ?? collection)
      .find({})
      .toArray();
    if (documents.length === 0)
      throw new Error(`no documents in ${collection} (${alias?.physical ?? 'no alias'}) to measure the ceiling with`);
    const target = db.collection(`${collection}_ceiling`);
    await target.drop().catch(() => undefined);
    await db.createCollection(target.collectionName);
    const began = performance.now();
    for (let i = 0; i < documents.length; i += 1_000) await target.insertMany(documents.slice(i, i + 1_000), { ordered: false });
    const seconds = (performance.now() - began) / 1000;
    await target.drop();
    return {
      collection,
      documents: documents.length,
      seconds: round(seconds),
      documentsPerSecond: round(documents.length / seconds),
      eventsPerSecond: round(events / seconds),
    };
  } finally {
    await client.close();
  }
}
