import { EventStoreDBClient, FORWARDS, START } from '@eventstore/db-client';
import { Kafka, logLevel } from 'kafkajs';
import { MongoClient } from 'mongodb';
import pg from 'pg';
import type { InfraKind } from './resolveInfra.js';

/** Talks to the server with its real client; returns why it failed, or undefined when it answered. */
export async function probeInfra(kind: InfraKind, url: string, timeoutMs: number): Promise<string | undefined> {
  try {
    await withTimeout(probes[kind](url, timeoutMs), timeoutMs + 1_000);
    return undefined;
  } catch (err) {
    return err instanceof Error ? err.message || err.name : String(err);
  }
}

const probes: Record<InfraKind, (url: string, timeoutMs: number) => Promise<void>> = {
  async postgres(url, timeoutMs) {
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: timeoutMs });
    try {
      await client.connect();
      await client.query('select 1');
    } finally {
      await client.end().catch(() => undefined);
    }
  },
  async kafka(url, timeoutMs) {
    const admin = new Kafka({
      brokers: url.split(','),
      clientId: 'orderflow-probe',
      connectionTimeout: timeoutMs,
      requestTimeout: timeoutMs,
      retry: { retries: 0 },
      logLevel: logLevel.NOTHING,
    }).admin();
    try {
      await admin.connect();
      await admin.listTopics();
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
  },
  async mongo(url, timeoutMs) {
    const client = new MongoClient(url, { serverSelectionTimeoutMS: timeoutMs, connectTimeoutMS: timeoutMs });
    try {
      await client.db('admin').command({ ping: 1 });
    } finally {
      await client.close().catch(() => undefined);
    }
  },
  async eventstoredb(url, timeoutMs) {
    const client = EventStoreDBClient.connectionString`${url}`;
    try {
      const events = client.readAll({ direction: FORWARDS, fromPosition: START, maxCount: 1, deadline: timeoutMs });
      // Reading one event (or none) proves the server answers and $all is readable.
      await events[Symbol.asyncIterator]().next();
    } finally {
      await client.dispose().catch(() => undefined);
    }
  },
};

async function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      reject(new Error(`no answer within ${ms} ms`));
    }, ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
