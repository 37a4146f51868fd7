import { describeWith } from '../testing/describeWith.js';
import { describeDocumentStore } from './documentStore.contract.js';
import { createPostgresDocumentStore } from './postgresDocumentStore.js';

describeWith('postgres', 'PostgreSQL document store', (use) => {
  describeDocumentStore(() => Promise.resolve(createPostgresDocumentStore({ connectionString: use().url })));
});
