export { buildQueryApp, type QueryAppDeps } from './app.js';
export { createQueryService, type QueryServiceOptions } from './queryService.js';
export { createReadModels, collections, type CatalogReader, type OrderFilter, type OrderKey, type ReadModels } from './readModels.js';
export { createPostgresCatalogReader } from './catalogReader.js';
export { defaultProcessorNames, type CheckpointWatcher, type ProcessorNames } from './consistency.js';
export { queryEnvSchema, queryOptionsFromEnv } from './queryConfig.js';
