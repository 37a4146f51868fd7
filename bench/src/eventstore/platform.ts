/**
 * The PostgreSQL store's own factory. `@orderflow/platform` exports `createEventStore({ eventStoreUrl })`, which sets
 * no pool size and no subscription settings; the benchmark needs both (64 writers, the same pool for the peer), so it
 * reaches into the package's sources here, in this one place.
 */
export { createPostgresEventStore } from '../../../platform/src/eventStore/postgres/postgresEventStore.js';
// The columns our reads select, for the ceiling (`ceiling.ts`) to decode exactly what ours decodes.
export { eventColumns } from '../../../platform/src/eventStore/postgres/rows.js';
// The channel our store's subscribers listen on, for the checkout ceiling to wake them as ours does.
export { channel as appendedChannel } from '../../../platform/src/eventStore/postgres/schema.js';
export type { NewEvent, Position } from '@orderflow/platform';
