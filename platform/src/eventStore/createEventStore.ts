import { createEsdbEventStore } from './esdb/esdbEventStore.js';
import { createPostgresEventStore } from './postgres/postgresEventStore.js';
import type { EventStore } from './types.js';
import type { EventStoreLimits } from './validate.js';

export interface EventStoreConfig {
  /** `esdb://…` (or `kurrentdb://…`) → EventStoreDB; `postgres://…` → PostgreSQL. */
  readonly eventStoreUrl?: string;
  /** Used when `eventStoreUrl` is unset: the embedded engine passes its PostgreSQL here. */
  readonly databaseUrl?: string;
  readonly limits?: EventStoreLimits;
}

const esdbScheme = /^(esdb|kurrentdb)(\+discover)?:\/\//;
const postgresScheme = /^postgres(ql)?:\/\//;

/** Chooses the backend from the URL (DESIGN.md §3): EventStoreDB for `esdb://`, PostgreSQL otherwise. */
export async function createEventStore(config: EventStoreConfig): Promise<EventStore> {
  const url = config.eventStoreUrl ?? config.databaseUrl;
  if (url === undefined || url === '') throw new Error('no event store configured: set EVENTSTORE_URL or DATABASE_URL');
  if (esdbScheme.test(url)) return createEsdbEventStore(url, { ...(config.limits && { limits: config.limits }) });
  if (postgresScheme.test(url)) return createPostgresEventStore({ connectionString: url, ...(config.limits && { limits: config.limits }) });
  throw new Error(`unsupported event store URL scheme in ${url.replace(/\/\/[^@/]*@/, '//***@')}: expected esdb:// or postgres://`);
}
