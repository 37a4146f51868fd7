// Public surface of this package; filled by the issues that build it (see README.md).
export { createKafkaForwarder, type ForwarderHealth, type KafkaForwarder, type KafkaForwarderOptions } from './forwarder/kafkaForwarder.js';
export { forwarderEnvSchema, forwarderOptionsFromEnv } from './forwarder/forwarderConfig.js';
export { exportEvents, type ExportFormat, type ExportOptions, type ExportResult } from './forwarder/exportEvents.js';
export { replayToKafka, type ReplayCheckpoint, type ReplayOptions, type ReplayResult } from './forwarder/replayToKafka.js';
export { humanLine, toExportedEvent, type ExportedEvent } from './forwarder/eventRecords.js';
export { createProjectors, type Projector, type ProjectorDeps } from './projectors/createProjectors.js';
export { startProjectionService, type ProjectionService, type ProjectionServiceDeps } from './projectionService.js';
export { createStockProjector, stockProcessorName } from './projectors/stock/stockProjector.js';
export { stockSchema, stockTable } from './projectors/stock/stockTables.js';
export {
  createOrderHistoryProjector,
  orderHistoryModel,
  orderHistoryProcessorName,
} from './projectors/orderHistory/orderHistoryProjector.js';
export { evolveOrderHistory } from './projectors/orderHistory/evolveOrderHistory.js';
export {
  createNotificationsProjector,
  notificationsModel,
  notificationsProcessorName,
} from './projectors/notifications/notificationsProjector.js';
export { generateHistory, type HistoryOptions } from './testing/generateHistory.js';
export { replay } from './testing/replay.js';
