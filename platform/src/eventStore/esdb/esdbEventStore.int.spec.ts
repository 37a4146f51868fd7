import { describeWith } from '../../testing/describeWith.js';
import { describeEventStore } from '../eventStore.contract.js';
import { createEsdbEventStore } from './esdbEventStore.js';

describeWith('eventstoredb', 'EventStoreDB event store', (use) => {
  describeEventStore(() => Promise.resolve(createEsdbEventStore(use().url)), { rejectsEventIdReuse: false });
});
