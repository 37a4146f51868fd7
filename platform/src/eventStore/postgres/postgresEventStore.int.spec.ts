import { describeWith } from '../../testing/describeWith.js';
import { describeEventStore } from '../eventStore.contract.js';
import { createPostgresEventStore } from './postgresEventStore.js';

describeWith('postgres', 'PostgreSQL event store', (use) => {
  describeEventStore(() => createPostgresEventStore({ connectionString: use().url }));
});
