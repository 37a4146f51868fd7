export { createDocumentStore, type DocumentStoreConfig } from './createDocumentStore.js';
export { createMongoDocumentStore, type MongoDocumentStoreOptions } from './mongoDocumentStore.js';
export { createPostgresDocumentStore, type PostgresDocumentStoreOptions } from './postgresDocumentStore.js';
export type * from './types.js';
