import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMongoDocumentStore, createPostgresDocumentStore, type DocumentStore } from '@orderflow/platform';
import { describeWith } from '@orderflow/platform/testing';
import { createRebuildWriter } from './rebuildWriter.js';

interface Doc extends Record<string, unknown> {
  id: string;
  value: string;
  position: string;
}
const doc = (id: string, value: string, position: string): Doc => ({ id, value, position });
const changes = (...docs: Doc[]) => new Map(docs.map((d) => [d.id, d]));

describeWith('postgres', 'rebuild writer, JSONB documents', (usePg) => {
  describeRebuildWriter(() => Promise.resolve(createPostgresDocumentStore({ connectionString: usePg().url })));
});
describeWith('mongo', 'rebuild writer, MongoDB documents', (useMongo) => {
  describeRebuildWriter(() => createMongoDocumentStore({ url: useMongo().url, dbName: useMongo().dbName }));
});

function describeRebuildWriter(factory: () => Promise<DocumentStore>) {
  let documents: DocumentStore;
  let counter = 0;
  const collection = async () => {
    counter += 1;
    const c = documents.collection<Doc>(`rebuild_writer_${counter}`, { idField: 'id', positionField: 'position' });
    await c.ensure();
    return c;
  };
  beforeAll(async () => {
    documents = await factory();
  });
  afterAll(async () => {
    await documents.close();
  });

  describe('rebuild writer', () => {
    it('in place: writes every batch through, reads back only the documents it forgot', async () => {
      const docs = await collection();
      const writer = createRebuildWriter<Doc>('id', { maxRemembered: 1 });
      writer.start(false);
      await writer.write(docs, changes(doc('a', 'a1', 'p1'), doc('b', 'b1', 'p2')));
      expect(await docs.getMany(['a', 'b']).then((d) => d.length)).toBe(2);
      // 'a' was forgotten (one remembered): an outside change to it shows; 'b' comes from memory.
      await docs.update('a', { value: 'a-changed' });
      await docs.update('b', { value: 'b-changed' });
      const loaded = await writer.load(docs, ['a', 'b', 'c']);
      expect([...loaded.values()].map((d) => d.value).sort()).toEqual(['a-changed', 'b1']);
      await writer.write(docs, changes(doc('b', 'b2', 'p3'), doc('c', 'c1', 'p4')));
      expect(await docs.get('b')).toEqual(doc('b', 'b2', 'p3'));
      expect(await docs.get('c')).toEqual(doc('c', 'c1', 'p4'));
      // A retried batch changes nothing: stored positions guard it.
      await writer.write(docs, changes(doc('c', 'c-stale', 'p0')));
      expect(await docs.get('c')).toEqual(doc('c', 'c1', 'p4'));
    });

    it('blue-green: holds documents back until quiet (or too many), then inserts them; flush writes the rest', async () => {
      const docs = await collection();
      const writer = createRebuildWriter<Doc>('id', { quietBatches: 2, maxHeld: 2 });
      writer.start(true);
      await writer.write(docs, changes(doc('a', 'a1', 'p1')));
      await writer.write(docs, changes(doc('a', 'a2', 'p2'), doc('b', 'b1', 'p3')));
      expect(await docs.count()).toBe(0);
      expect((await writer.load(docs, ['a'])).get('a')).toEqual(doc('a', 'a2', 'p2'));
      // 'c' makes three held: the least recently touched ('a') goes in, in its latest state.
      await writer.write(docs, changes(doc('c', 'c1', 'p4')));
      expect(await docs.getMany(['a', 'b', 'c'])).toEqual([doc('a', 'a2', 'p2')]);
      // Two batches without 'b': it is quiet.
      await writer.write(docs, new Map());
      expect((await docs.getMany(['b', 'c'])).map((d) => d.id)).toEqual(['b']);
      // A written document touched again is updated in place.
      await writer.write(docs, changes(doc('a', 'a3', 'p5')));
      await writer.flush(docs);
      expect((await docs.getMany(['a', 'b', 'c'])).sort((x, y) => x.id.localeCompare(y.id))).toEqual([
        doc('a', 'a3', 'p5'),
        doc('b', 'b1', 'p3'),
        doc('c', 'c1', 'p4'),
      ]);
    });
  });
}
