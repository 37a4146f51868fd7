// Public surface of this package; filled by the issues that build it (see README.md).
export { createKafkaForwarder, type ForwarderHealth, type KafkaForwarder, type KafkaForwarderOptions } from './forwarder/kafkaForwarder.js';
