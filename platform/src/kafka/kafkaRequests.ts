import type { Message, TopicMessages } from 'kafkajs';
import type { RecordedEvent } from '../eventStore/types.js';
import { toKafkaMessage } from './eventMessage.js';
import { categoryOf, topicName, type TopicNaming } from './topics.js';

/**
 * Default bound of one produce request: kafkajs sends all records of a partition in a request as one record batch,
 * and the broker refuses a batch above `message.max.bytes` (1 MiB by default); a busy stream puts a whole page in
 * one partition. 768 KiB leaves room for the record overhead.
 */
export const defaultMaxRequestBytes = 768 * 1024;

export interface ProduceRequests {
  /** In log order: send them one after the other. */
  readonly requests: readonly TopicMessages[][];
  readonly count: number;
}

/** The Kafka records of the events of forwarded streams (others skipped), cut into requests of at most `maxBytes`. */
export function toProduceRequests(
  events: readonly RecordedEvent[],
  naming: TopicNaming = {},
  maxBytes = defaultMaxRequestBytes,
): ProduceRequests {
  const requests: TopicMessages[][] = [];
  let current = new Map<string, Message[]>();
  let bytes = 0;
  let count = 0;
  const flush = () => {
    if (current.size > 0) requests.push([...current].map(([topic, messages]) => ({ topic, messages })));
    current = new Map();
    bytes = 0;
  };
  for (const event of events) {
    const category = categoryOf(event.streamId);
    if (category === undefined) continue;
    const message = toKafkaMessage(event);
    const size = Buffer.byteLength(message.value as string) + event.streamId.length + 256;
    if (bytes > 0 && bytes + size > maxBytes) flush();
    const topic = topicName(category, naming);
    let messages = current.get(topic);
    if (messages === undefined) current.set(topic, (messages = []));
    messages.push(message);
    bytes += size;
    count++;
  }
  flush();
  return { requests, count };
}
