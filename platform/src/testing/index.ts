export { describeWith } from './describeWith.js';
export { startSourceProcess, within, type SourceProcess } from './sourceProcess.js';
export type { EventStoreTestDb, InfraHandles, KafkaTestCluster, MongoTestDb, PostgresTestDb } from './isolate.js';
export {
  infraEnvVars,
  infraKinds,
  infraLabels,
  requiredInfra,
  resolveInfra,
  type InfraKind,
  type InfraResolution,
} from './resolveInfra.js';
export { describeEventStore } from '../eventStore/eventStore.contract.js';
export type { EventStoreCapabilities } from '../eventStore/contract/context.js';
