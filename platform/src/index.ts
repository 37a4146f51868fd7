export {
  createEmbeddedPostgres,
  type EmbeddedPostgresOptions,
  type EmbeddedPostgresServer,
  type EmbeddedPostgresStatus,
} from './embeddedPostgres.js';
export { infraEnvFile, findRepoRoot, readInfraEnv } from './infraEnv.js';
