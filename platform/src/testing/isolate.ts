import { randomBytes } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { MongoClient } from 'mongodb';
import pg from 'pg';
import type { InfraKind } from './resolveInfra.js';

/** A database of this test file's own on the shared PostgreSQL server. */
export interface PostgresTestDb {
  readonly url: string;
  readonly database: string;
}

/** The shared broker, with a topic prefix of this test file's own. */
export interface KafkaTestCluster {
  readonly brokers: readonly string[];
  readonly topicPrefix: string;
  /** A kafkajs client on these brokers, quiet unless something fails. */
  readonly kafka: (clientId?: string) => Kafka;
}

/** A database of this test file's own on the shared MongoDB-compatible server. */
export interface MongoTestDb {
  readonly url: string;
  readonly dbName: string;
}

/** The shared EventStoreDB, with a stream prefix of this test file's own. */
export interface EventStoreTestDb {
  readonly url: string;
  readonly streamPrefix: string;
}

export interface InfraHandles {
  readonly postgres: PostgresTestDb;
  readonly kafka: KafkaTestCluster;
  readonly mongo: MongoTestDb;
  readonly eventstoredb: EventStoreTestDb;
}

export interface Isolated<T> {
  readonly handle: T;
  dispose(): Promise<void>;
}

/** `t_<slug of the suite title>_<random>`: unique per test file, recognisable when left behind. */
export function isolatedName(title: string, separator = '_'): string {
  const slug = title
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, separator)
    .replace(new RegExp(`^${separator}+|${separator}+$`, 'g'), '')
    .slice(0, 30);
  return ['t', slug, randomBytes(4).toString('hex')].join(separator);
}

export const isolate: { readonly [K in InfraKind]: (url: string, title: string) => Promise<Isolated<InfraHandles[K]>> } = {
  async postgres(url, title) {
    const database = isolatedName(title);
    const admin = new pg.Client(url);
    await admin.connect();
    try {
      await admin.query(`CREATE DATABASE ${admin.escapeIdentifier(database)}`);
    } finally {
      await admin.end();
    }
    const dbUrl = new URL(url);
    dbUrl.pathname = `/${database}`;
    return {
      handle: { url: dbUrl.toString(), database },
      async dispose() {
        const client = new pg.Client(url);
        await client.connect();
        try {
          await client.query(`DROP DATABASE IF EXISTS ${client.escapeIdentifier(database)} WITH (FORCE)`);
        } finally {
          await client.end();
        }
      },
    };
  },
  async kafka(url, title) {
    const brokers = url.split(',').map((b) => b.trim());
    const topicPrefix = `${isolatedName(title, '-')}.`;
    const kafka = (clientId = 'orderflow-test') => new Kafka({ brokers, clientId, logLevel: logLevel.ERROR });
    return Promise.resolve({
      handle: { brokers, topicPrefix, kafka },
      async dispose() {
        const admin = kafka('orderflow-test-cleanup').admin();
        await admin.connect();
        try {
          const topics = (await admin.listTopics()).filter((t) => t.startsWith(topicPrefix));
          if (topics.length > 0) await admin.deleteTopics({ topics });
        } finally {
          await admin.disconnect();
        }
      },
    });
  },
  async mongo(url, title) {
    const dbName = isolatedName(title);
    return Promise.resolve({
      handle: { url, dbName },
      async dispose() {
        const client = new MongoClient(url);
        try {
          await client.db(dbName).dropDatabase();
        } finally {
          await client.close();
        }
      },
    });
  },
  async eventstoredb(url, title) {
    return Promise.resolve({ handle: { url, streamPrefix: `${isolatedName(title, '-')}-` }, dispose: () => Promise.resolve() });
  },
};
