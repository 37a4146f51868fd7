import type pg from 'pg';
import {
  startProcessor,
  type DocumentStore,
  type EventStore,
  type ProcessorDependencies,
  type ProcessorOptions,
  type RunningProcessor,
} from '@orderflow/platform';
import { createProjectors } from './projectors/createProjectors.js';

export interface ProjectionServiceDeps {
  readonly store: EventStore;
  /** PostgreSQL of the stock read model and of the runtime's checkpoints, leases and dead letters. */
  readonly pool: pg.Pool;
  readonly documents: DocumentStore;
  readonly logger?: ProcessorDependencies['logger'];
  readonly options?: ProcessorOptions;
}

export interface ProjectionService {
  readonly processors: readonly RunningProcessor[];
  /** Stops every processor at a checkpoint boundary (the caller closes the store, pool and document store). */
  stop(): Promise<void>;
}

/** Creates the read models' tables / collections and indexes, then runs every projector (each under its lease). */
export async function startProjectionService(deps: ProjectionServiceDeps): Promise<ProjectionService> {
  const projectors = createProjectors(deps);
  for (const projector of projectors) await projector.ensure();
  const processors = projectors.map((definition) =>
    startProcessor(definition, {
      store: deps.store,
      pool: deps.pool,
      ...(deps.logger && { logger: deps.logger }),
      ...(deps.options && { options: deps.options }),
    }),
  );
  return {
    processors,
    async stop() {
      await Promise.all(processors.map((p) => p.stop()));
    },
  };
}
