import { createPostgresDocumentStore } from '@orderflow/platform';
import { describeWith } from '@orderflow/platform/testing';
import { describeRebuildEqualsLive } from '../testing/describeRebuildEqualsLive.js';

describeWith('postgres', 'rebuild equals live, JSONB documents', (usePg) => {
  describeRebuildEqualsLive(
    () => usePg().url,
    'document models in PostgreSQL JSONB',
    10_000,
    () => Promise.resolve(createPostgresDocumentStore({ connectionString: usePg().url })),
  );
});
