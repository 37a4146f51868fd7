/**
 * The PostgreSQL store's own factory. `@orderflow/platform` exports `createEventStore({ eventStoreUrl })`, which sets
 * no pool size and no subscription settings; the benchmark needs both (64 writers, the same pool for the peer), so it
 * reaches into the package's sources here, in this one place.
 */
export { createPostgresEventStore } from '../../../platform/src/eventStore/postgres/postgresEventStore.js';
// The columns our reads select, for the ceiling (`ceiling.ts`) to decode exactly what ours decodes.
export { eventColumns } from '../../../platform/src/eventStore/postgres/rows.js';
// Our store's coalesced NOTIFY after appends, for the checkout ceiling to wake the subscribers as ours does.
export { Wakeups } from '../../../platform/src/eventStore/postgres/wakeups.js';
export type { NewEvent, Position } from '@orderflow/platform';
