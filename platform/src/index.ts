export {
  createEmbeddedPostgres,
  type EmbeddedPostgresOptions,
  type EmbeddedPostgresServer,
  type EmbeddedPostgresStatus,
} from './embeddedPostgres.js';
export { infraEnvFile, findRepoRoot, readInfraEnv } from './infraEnv.js';
export * from './eventStore/index.js';
export { migrate, type Migration, type MigrationResult } from './postgres/migrate.js';
