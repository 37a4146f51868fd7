import type { Admin } from 'kafkajs';
import { eventCategories } from '@orderflow/schemas';

/** The categories forwarded to Kafka (`orders`, `inventory`, `payments`); `checkout-*` saga streams stay internal. */
export type TopicCategory = (typeof eventCategories)[number]['category'];

export const forwardedStreamPrefixes: readonly string[] = eventCategories.map((c) => c.streamPrefix);

/**
 * How topics are named: `<prefix><category>.v<major><suffix>`, by default `orderflow.orders.v1`. `major` is the major
 * version of the topic's contract (the AsyncAPI catalog), bumped only for a breaking change, which is then filled by
 * a replay; additive event schema versions travel in the `schema-version` header on the same topic.
 */
export interface TopicNaming {
  /** Default `orderflow.`. */
  readonly prefix?: string;
  /** Appended as is, e.g. `.replay-2` for a replay into fresh topics. Default empty. */
  readonly suffix?: string;
  /** Default 1. */
  readonly major?: number;
}

export function topicName(category: TopicCategory, naming: TopicNaming = {}): string {
  return `${naming.prefix ?? 'orderflow.'}${category}.v${naming.major ?? 1}${naming.suffix ?? ''}`;
}

/** The category of a stream, or `undefined` for streams that are not forwarded. */
export function categoryOf(streamId: string): TopicCategory | undefined {
  for (const { streamPrefix, category } of eventCategories) if (streamId.startsWith(streamPrefix)) return category;
  return undefined;
}

export function allTopicNames(naming: TopicNaming = {}): string[] {
  return eventCategories.map(({ category }) => topicName(category, naming));
}

/** Partitions, replication and retention of the forwarded topics. */
export interface TopicSettings {
  /** Default 6: the unit of consumer parallelism; all events of one stream land in one partition. */
  readonly partitions?: number;
  /** Default 1 (the local single broker); 3 in production. */
  readonly replicationFactor?: number;
  /** Default -1: kept forever, these are the analysts' history. */
  readonly retentionMs?: number;
}

/** Creates the missing topics (the broker's auto-create is off); existing topics are left as they are. */
export async function ensureTopics(admin: Admin, topics: readonly string[], settings: TopicSettings = {}): Promise<string[]> {
  const existing = new Set(await admin.listTopics());
  const missing = topics.filter((topic) => !existing.has(topic));
  if (missing.length === 0) return [];
  await admin.createTopics({
    waitForLeaders: true,
    topics: missing.map((topic) => ({
      topic,
      numPartitions: settings.partitions ?? 6,
      replicationFactor: settings.replicationFactor ?? 1,
      configEntries: [
        { name: 'retention.ms', value: String(settings.retentionMs ?? -1) },
        { name: 'cleanup.policy', value: 'delete' },
      ],
    })),
  });
  return missing;
}
