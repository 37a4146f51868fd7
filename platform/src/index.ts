export {
  createEmbeddedPostgres,
  type EmbeddedPostgresOptions,
  type EmbeddedPostgresServer,
  type EmbeddedPostgresStatus,
} from './embeddedPostgres.js';
export { infraEnvFile, findRepoRoot, readInfraEnv } from './infraEnv.js';
export * from './eventStore/index.js';
export * from './documentStore/index.js';
export { migrate, type Migration, type MigrationResult } from './postgres/migrate.js';
export { NaturalBatcher } from './postgres/naturalBatcher.js';
export { integerArray, textArray } from './postgres/arrayLiteral.js';
export { isStalePreparedStatement, prepared } from './postgres/prepared.js';
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
export { configSchema, developmentJwtSecret, loadConfig, parseEnv, type Config } from './config.js';
export { createLogger, type LogFormat, type LoggerOptions } from './logger.js';
export { counter, gauge, histogram, metricsRegistry } from './telemetry/metrics.js';
export { collectRuntimeMetrics } from './telemetry/runtimeMetrics.js';
export {
  activeTraceIds,
  contextFromTraceparent,
  currentTraceparent,
  getTracer,
  initTelemetry,
  initTelemetryFromConfig,
  traceHeaders,
  traceMetadata,
  withSpan,
  withSpanFromTraceparent,
  withSpansFromEvents,
  type SpanOptions,
  type Telemetry,
  type TelemetryOptions,
  type TraceExporterKind,
  type TracedEvent,
} from './telemetry/tracing.js';
export { logContext, withLogContext, type LogBindings } from './telemetry/logContext.js';
export { startOperationalServer, type OperationalServerOptions } from './http/operationalServer.js';
export { recordSpans, type RecordedSpan, type SpanRecorder } from './telemetry/spanRecorder.js';
export { processorsReadiness, type CheckOutcome, type ReadinessCheck } from './http/health.js';
export type {
  BatchContext,
  DeadLetter,
  ProcessorDefinition,
  ProcessorOptions,
  ProcessorStatus,
  RebuildHooks,
  RunningProcessor,
} from './processing/types.js';
export { startProcessor, instanceOwner, type ProcessorDependencies } from './processing/startProcessor.js';
export { migrateProcessing } from './processing/migrateProcessing.js';
export { LeaseLostError, PoisonEventError, isTransientError } from './processing/errors.js';
export { checkpointChannel } from './processing/schema.js';
export { createCheckpointWatcher, type CheckpointWatcher, type CheckpointWatcherOptions } from './processing/checkpointWatcher.js';
export {
  dropDeadLetters,
  LeaseHeldError,
  listDeadLetters,
  listProcessors,
  processorStatus,
  resetProcessor,
  retryDeadLetters,
  statusLagCap,
  type RetryOutcome,
} from './processing/operations.js';
export { rebuildProcessor, type RebuildOptions, type RebuildProgress, type RebuildResult } from './processing/rebuildProcessor.js';
export { createKafkaPublisher, type KafkaPublisher, type KafkaPublisherOptions, type PublisherHealth } from './kafka/kafkaPublisher.js';
export { eventHeaders, toEnvelope, toKafkaMessage, type EventEnvelope } from './kafka/eventMessage.js';
export { kafkaLogCreator } from './kafka/kafkaLogger.js';
export { defaultMaxRequestBytes, toProduceRequests, type ProduceRequests } from './kafka/kafkaRequests.js';
export {
  allTopicNames,
  categoryOf,
  ensureTopics,
  forwardedStreamPrefixes,
  topicName,
  type TopicCategory,
  type TopicNaming,
  type TopicSettings,
} from './kafka/topics.js';
export { runKafkaConsoleConsumer, startLocalKafkaBroker, type LocalKafkaBroker } from './kafka/localKafkaBroker.js';
export { closeOnSignals } from './closeOnSignals.js';
export { freePort } from './freePort.js';
export { dropOldestBeyond } from './boundedEntries.js';
