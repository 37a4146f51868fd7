import type pg from 'pg';
import type { DocumentStore, ProcessorDefinition } from '@orderflow/platform';
import { createNotificationsProjector } from './notifications/notificationsProjector.js';
import { createOrderHistoryProjector } from './orderHistory/orderHistoryProjector.js';
import { createStockProjector } from './stock/stockProjector.js';

export interface ProjectorDeps {
  /** PostgreSQL of the stock read model (and of the runtime's checkpoints). */
  readonly pool: pg.Pool;
  /** MongoDB (full topology) or PostgreSQL JSONB (embedded) for the document read models. */
  readonly documents: DocumentStore;
}

/** A projector: a processor definition that can also create its tables / collections and indexes. */
export type Projector = ProcessorDefinition & { ensure(): Promise<void> };

/** Fresh definitions of every projector (one set per runner: a rebuild must not share them with the live runner). */
export function createProjectors(deps: ProjectorDeps): Projector[] {
  return [createStockProjector(deps), createOrderHistoryProjector(deps), createNotificationsProjector(deps)];
}
