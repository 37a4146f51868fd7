import { createMongoDocumentStore } from '@orderflow/platform';
import { describeWith } from '@orderflow/platform/testing';
import { describeRebuildEqualsLive } from '../testing/describeRebuildEqualsLive.js';

describeWith('postgres', 'rebuild equals live, MongoDB documents', (usePg) => {
  describeWith('mongo', 'rebuild equals live, MongoDB documents', (useMongo) => {
    describeRebuildEqualsLive(
      () => usePg().url,
      'document models in MongoDB',
      2_000,
      () => createMongoDocumentStore({ url: useMongo().url, dbName: useMongo().dbName }),
      // FerretDB (SQLite backend) applies a bulk write one document at a time: ~25 s live + ~25 s rebuild here.
      150_000,
    );
  });
});
