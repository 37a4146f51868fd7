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
      // FerretDB (SQLite backend) applies a bulk write one document at a time, and a count scans every document:
      // ~25 s live, ~25 s rebuild and ~2 s per read here (70 s in all, alone on the machine; CI runs it beside every
      // other file on two cores, so it is given over four times that).
      300_000,
    );
  });
});
