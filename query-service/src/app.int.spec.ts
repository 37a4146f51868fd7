import { createMongoDocumentStore, createPostgresDocumentStore } from '@orderflow/platform';
import { describeWith } from '@orderflow/platform/testing';
import { describeQueryApi } from './testing/queryApiSuite.js';

describeWith('postgres', 'query API on PostgreSQL JSONB', (postgres) => {
  describeQueryApi(
    () => Promise.resolve(createPostgresDocumentStore({ connectionString: postgres().url })),
    () => postgres().url,
  );
});

describeWith('postgres', 'query API catalog', (postgres) => {
  describeWith('mongo', 'query API on FerretDB', (mongo) => {
    describeQueryApi(
      () => createMongoDocumentStore({ url: mongo().url, dbName: mongo().dbName }),
      () => postgres().url,
    );
  });
});
