export {
  createEmbeddedPostgres,
  type EmbeddedPostgresOptions,
  type EmbeddedPostgresServer,
  type EmbeddedPostgresStatus,
} from './embeddedPostgres.js';
export { infraEnvFile, findRepoRoot, readInfraEnv } from './infraEnv.js';
export * from './eventStore/index.js';
export { migrate, type Migration, type MigrationResult } from './postgres/migrate.js';
export { requireRole, roles, signToken, createTokenVerifier, type AuthConfig, type Principal, type Role } from './http/auth.js';
export { createHttpApp, type HttpApp, type HttpAppOptions } from './http/createHttpApp.js';
export {
  HttpProblem,
  installProblemHandler,
  problemContentType,
  resolveProblem,
  toProblemBody,
  eventStoreErrorMapper,
  type ErrorMapper,
  type ProblemBody,
} from './http/problem.js';
export { configSchema, developmentJwtSecret, loadConfig, type Config } from './config.js';
export { createLogger } from './logger.js';
export { counter, gauge, histogram, metricsRegistry } from './telemetry/metrics.js';
export type {
  BatchContext,
  DeadLetter,
  ProcessorDefinition,
  ProcessorOptions,
  ProcessorStatus,
  RebuildHooks,
  RunningProcessor,
} from './processing/types.js';
