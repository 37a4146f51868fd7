import { describeWith } from '../testing/describeWith.js';
import { describeDocumentStore } from './documentStore.contract.js';
import { createMongoDocumentStore } from './mongoDocumentStore.js';

describeWith('mongo', 'MongoDB document store', (use) => {
  describeDocumentStore(() => createMongoDocumentStore({ url: use().url, dbName: use().dbName }));
});
