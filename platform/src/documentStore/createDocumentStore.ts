import { createMongoDocumentStore } from './mongoDocumentStore.js';
import { createPostgresDocumentStore } from './postgresDocumentStore.js';
import type { DocumentStore } from './types.js';

export interface DocumentStoreConfig {
  /** Set → MongoDB (or FerretDB). */
  readonly mongoUrl?: string;
  /** Used when `mongoUrl` is unset: the document read models live in PostgreSQL JSONB (embedded topology). */
  readonly databaseUrl?: string;
}

/** Chooses the adapter from configuration (DESIGN.md §3): `MONGO_URL` set → MongoDB, else PostgreSQL. */
export async function createDocumentStore(config: DocumentStoreConfig): Promise<DocumentStore> {
  if (config.mongoUrl !== undefined && config.mongoUrl !== '') return createMongoDocumentStore({ url: config.mongoUrl });
  if (config.databaseUrl !== undefined && config.databaseUrl !== '')
    return createPostgresDocumentStore({ connectionString: config.databaseUrl });
  throw new Error('no document store configured: set MONGO_URL or DATABASE_URL');
}
