import { MongoClient, MongoServerError } from 'mongodb';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeWith } from './describeWith.js';

interface Doc {
  _id: string;
  customerId: string;
  status: string;
  placedAt: Date;
  position: number;
}

describeWith('mongo', 'mongodb smoke', (use) => {
  let client: MongoClient;
  beforeAll(async () => {
    client = new MongoClient(use().url);
    await client.connect();
  });
  afterAll(async () => {
    await client.close();
  });
  const orders = () => client.db(use().dbName).collection<Doc>('orders');

  it('inserts and finds documents with a filter, sort and projection', async () => {
    await orders().insertMany([
      { _id: 'o1', customerId: 'c1', status: 'placed', placedAt: new Date('2026-01-01T00:00:00Z'), position: 1 },
      { _id: 'o2', customerId: 'c1', status: 'confirmed', placedAt: new Date('2026-01-02T00:00:00Z'), position: 2 },
      { _id: 'o3', customerId: 'c2', status: 'placed', placedAt: new Date('2026-01-03T00:00:00Z'), position: 3 },
    ]);
    const mine = await orders()
      .find({ customerId: 'c1' }, { projection: { status: 1 } })
      .sort({ placedAt: -1 })
      .toArray();
    expect(mine).toEqual([
      { _id: 'o2', status: 'confirmed' },
      { _id: 'o1', status: 'placed' },
    ]);
    expect(await orders().countDocuments({ status: 'placed' })).toBe(2);
  });

  it('creates compound and unique indexes and enforces uniqueness', async () => {
    await orders().createIndex({ customerId: 1, placedAt: -1 }, { name: 'by_customer_date' }, undefined);
    const notifications = client.db(use().dbName).collection<{ eventId: string }>('notifications');
    await notifications.createIndex({ eventId: 1 }, { unique: true, name: 'event_once' }, undefined);
    const names = (await orders().indexes()).map((i) => i.name);
    expect(names).toContain('by_customer_date');
    await notifications.insertOne({ eventId: 'e1' });
    const duplicate = await notifications.insertOne({ eventId: 'e1' }).catch((err: unknown) => err);
    expect(duplicate).toBeInstanceOf(MongoServerError);
    expect((duplicate as MongoServerError).code).toBe(11000);
  });

  it('upserts, and a position guard makes a replayed unordered bulk write change nothing', async () => {
    const created = await orders().updateOne(
      { _id: 'o9' },
      { $set: { status: 'placed', position: 10 }, $setOnInsert: { customerId: 'c9', placedAt: new Date() } },
      { upsert: true },
    );
    expect(created.upsertedId).toBe('o9');
    const guarded = (id: string, position: number, status: string) => ({
      updateOne: { filter: { _id: id, position: { $lt: position } }, update: { $set: { status, position } } },
    });
    const first = await orders().bulkWrite([guarded('o9', 11, 'confirmed'), guarded('o2', 12, 'shipped')], { ordered: false });
    expect(first.modifiedCount).toBe(2);
    const replay = await orders().bulkWrite([guarded('o9', 11, 'confirmed'), guarded('o2', 12, 'shipped')], { ordered: false });
    expect(replay.modifiedCount).toBe(0);
    const stale = await orders().updateOne({ _id: 'o9', position: { $lt: 5 } }, { $set: { status: 'placed' } });
    expect(stale.matchedCount).toBe(0);
    expect(await orders().findOne({ _id: 'o9' })).toMatchObject({ status: 'confirmed', position: 11, customerId: 'c9' });
  });
});
