import {
  ANY,
  NO_STREAM,
  STREAM_EXISTS,
  StreamDeletedError as EsdbStreamDeletedError,
  StreamNotFoundError,
  UnavailableError,
  WrongExpectedVersionError,
  type EventData,
  type ResolvedEvent,
} from '@eventstore/db-client';
import { convertGrpcEvent, createStreamIdentifier, createUUID } from '@eventstore/db-client/dist/utils/index.js';
import { ReadResp } from '@eventstore/db-client/generated/streams_pb.js';
import { describe, expect, it } from 'vitest';
import { ConcurrencyError, EventIdReusedError, EventStoreValidationError, StreamDeletedError } from '../errors.js';
import { comparePositions } from '../position.js';
import type { JsonObject, NewEvent } from '../types.js';
import {
  firstRevisionOf,
  isTransientError,
  toAppendConflict,
  toClientConnectionString,
  toEsdbDeleteRevision,
  toEsdbEvent,
  toEsdbExpectedRevision,
  toEsdbPosition,
  toPosition,
  toRecordedEvent,
  toStoreError,
} from './mapping.js';

const eventId = '3f2504e0-4f89-11d3-9a0c-0305e82c3301';

function newEvent(data: JsonObject = { n: 1 }, type = 'OrderPlaced'): NewEvent {
  return {
    type,
    data,
    metadata: {
      eventId,
      correlationId: 'corr-1',
      causationId: 'cause-1',
      traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
      actor: 'customer:c-1',
      schemaVersion: 2,
      occurredAt: '2026-11-21T10:11:12.131Z',
    },
  };
}

/**
 * What the server hands back for an appended event, decoded by the client's own converter: data and metadata as
 * the JSON bytes the client's append sends, `created` in .NET ticks.
 */
function readBack(
  proposed: EventData,
  at: { streamId?: string; revision?: bigint; commit?: bigint; prepare?: bigint; created?: Date } = {},
) {
  const record = new ReadResp.ReadEvent.RecordedEvent()
    .setId(createUUID(proposed.id))
    .setStreamIdentifier(createStreamIdentifier(at.streamId ?? 'order-1'))
    .setStreamRevision(String(at.revision ?? 3n))
    .setCommitPosition(String(at.commit ?? 1200n))
    .setPreparePosition(String(at.prepare ?? 1200n))
    .setData(Buffer.from(JSON.stringify(proposed.data)));
  if (proposed.metadata !== undefined) record.setCustomMetadata(Buffer.from(JSON.stringify(proposed.metadata)));
  const created = at.created ?? new Date('2026-11-21T10:11:13.000Z');
  record
    .getMetadataMap()
    .set('type', proposed.type)
    .set('content-type', proposed.contentType)
    .set('created', String(BigInt(created.getTime()) * 10_000n));
  const resolved = convertGrpcEvent<ResolvedEvent>(new ReadResp.ReadEvent().setEvent(record));
  if (resolved.event === undefined) throw new Error('the converter dropped the event');
  return resolved.event;
}

describe('connection strings', () => {
  it('rewrites KurrentDB schemes to the esdb scheme the 6.x client parses, and leaves others alone', () => {
    expect(toClientConnectionString('kurrentdb://localhost:2113?tls=false')).toBe('esdb://localhost:2113?tls=false');
    expect(toClientConnectionString('kurrentdb+discover://a:2113,b:2113')).toBe('esdb+discover://a:2113,b:2113');
    expect(toClientConnectionString('esdb://admin:changeit@h:2113')).toBe('esdb://admin:changeit@h:2113');
  });
});

describe('expected revisions', () => {
  it.each([
    ['any', ANY],
    ['no_stream', NO_STREAM],
    ['stream_exists', STREAM_EXISTS],
    [7n, 7n],
  ] as const)('maps %s for appends', (ours, theirs) => {
    expect(toEsdbExpectedRevision(ours)).toBe(theirs);
  });

  it('maps deletes, which have no stream_exists on the wire', () => {
    expect([toEsdbDeleteRevision('any'), toEsdbDeleteRevision('no_stream'), toEsdbDeleteRevision(0n)]).toEqual([ANY, NO_STREAM, 0n]);
  });

  it('knows which revision the first event of an append would get', () => {
    expect([firstRevisionOf('no_stream'), firstRevisionOf(4n), firstRevisionOf('any'), firstRevisionOf('stream_exists')]).toEqual([
      0n,
      5n,
      undefined,
      undefined,
    ]);
  });
});

describe('positions', () => {
  it('round-trip through the opaque position, including 64-bit values', () => {
    for (const p of [
      { commit: 0n, prepare: 0n },
      { commit: 1200n, prepare: 1187n },
      { commit: 2n ** 63n - 1n, prepare: 2n ** 63n - 1n },
    ])
      expect(toEsdbPosition(toPosition(p))).toEqual(p);
  });

  it('order as strings exactly as ESDB orders them: by commit, then prepare', () => {
    const raw = [
      { commit: 10n, prepare: 10n },
      { commit: 9n, prepare: 200n },
      { commit: 10n, prepare: 9n },
      { commit: 2n ** 40n, prepare: 0n },
      { commit: 255n, prepare: 256n },
    ];
    const byEsdb = [...raw].sort((a, b) => (a.commit === b.commit ? Number(a.prepare - b.prepare) : a.commit < b.commit ? -1 : 1));
    const byString = raw.map(toPosition).sort(comparePositions).map(toEsdbPosition);
    expect(byString).toEqual(byEsdb);
  });

  it('refuses text that is not a position of this store', () => {
    expect(() => toEsdbPosition('1200/1200' as never)).toThrow(EventStoreValidationError);
  });
});

describe('events written', () => {
  it('carry our event id, type, JSON data and metadata', () => {
    const event = newEvent({ lines: [{ sku: 'SKU-1', qty: 2 }] });
    expect(toEsdbEvent(event, 'events[0]')).toEqual({
      id: eventId,
      contentType: 'application/json',
      type: 'OrderPlaced',
      data: event.data,
      metadata: event.metadata,
    });
  });

  it.each([[42], [true], [null]] as const)('refuse bare %s data, which the client cannot send as JSON, naming the field', (data) => {
    const error = (() => {
      try {
        return toEsdbEvent(newEvent(data as unknown as JsonObject), 'events[1]');
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(EventStoreValidationError);
    expect(error).toMatchObject({ field: 'events[1].data' });
  });
});

describe('events read back', () => {
  it('round-trip data and every metadata field, with the position and the time the server recorded', () => {
    const event = newEvent({ total: { amount: 1999, currency: 'EUR' }, note: 'ünïcødé ✓', tags: ['a', null, 1.5, false] });
    const created = new Date('2026-11-21T10:11:13.456Z');
    const read = toRecordedEvent(
      readBack(toEsdbEvent(event, 'events[0]'), { streamId: 'order-9', revision: 4n, commit: 5000n, prepare: 4900n, created }),
    );
    expect(read).toEqual({
      streamId: 'order-9',
      revision: 4n,
      position: toPosition({ commit: 5000n, prepare: 4900n }),
      type: 'OrderPlaced',
      data: event.data,
      metadata: event.metadata,
      recordedAt: created,
    });
  });

  it('refuse events this adapter did not write, saying why', () => {
    const good = toEsdbEvent(newEvent(), 'e');
    const noId = Object.fromEntries(Object.entries(newEvent().metadata).filter(([key]) => key !== 'eventId'));
    expect(() => toRecordedEvent(readBack({ ...good, metadata: noId }))).toThrow(/no orderflow metadata/);
    expect(() => toRecordedEvent(readBack({ ...good, metadata: { ...newEvent().metadata, actor: 7 } }))).toThrow(/no orderflow metadata/);
    expect(() => toRecordedEvent(readBack({ ...good, metadata: undefined }))).toThrow(/no orderflow metadata/);
    const binary: EventData = {
      id: eventId,
      contentType: 'application/octet-stream',
      type: 'Blob',
      data: new Uint8Array([1]),
      metadata: undefined,
    };
    expect(() => toRecordedEvent(readBack(binary))).toThrow(/is not JSON/);
    expect(() => toRecordedEvent({ ...readBack(good), position: undefined })).toThrow(/22\.6 or later/);
  });
});

describe('errors', () => {
  const conflict = (current: bigint | 'no_stream') =>
    new WrongExpectedVersionError(undefined, { streamName: 'order-1', expected: 1n, current });

  it('map a wrong expected version to a ConcurrencyError with the actual revision', () => {
    const error = toStoreError(conflict(2n), 'order-1', 1n);
    expect(error).toBeInstanceOf(ConcurrencyError);
    expect(error).toMatchObject({ streamId: 'order-1', expected: 1n, actual: 2n, code: 'concurrency_conflict' });
  });

  it('report a missing stream as no actual revision', () => {
    expect(toStoreError(conflict('no_stream'), 'order-1', 'stream_exists')).toMatchObject({ expected: 'stream_exists', actual: undefined });
  });

  it('map the client StreamDeletedError to ours, and pass anything else through untouched', () => {
    const deleted = toStoreError(EsdbStreamDeletedError.fromStreamName('order-1'), 'order-1', 'any');
    expect(deleted).toBeInstanceOf(StreamDeletedError);
    expect(deleted).toMatchObject({ streamId: 'order-1', code: 'stream_deleted' });
    const other = new StreamNotFoundError(undefined, 'order-1');
    expect(toStoreError(other, 'order-1', 'any')).toBe(other);
  });

  describe('a conflict on append that is really a reused event id', () => {
    it('is certain with `any`: ESDB only refuses such an append for a batch that partly repeats an earlier one', () => {
      const error = toAppendConflict(conflict(4n), 'order-1', 'any', eventId);
      expect(error).toBeInstanceOf(EventIdReusedError);
      expect(error).toMatchObject({ streamId: 'order-1', eventId, code: 'event_id_reused' });
    });

    it('is recognised when the stored event at the first revision has our first id, in any case', () => {
      expect(toAppendConflict(conflict(4n), 'order-1', 1n, eventId, eventId.toUpperCase())).toBeInstanceOf(EventIdReusedError);
    });

    it('stays a ConcurrencyError when another event sits there, or nothing does', () => {
      expect(toAppendConflict(conflict(4n), 'order-1', 1n, eventId, '00000000-0000-4000-8000-000000000000')).toMatchObject({
        name: 'ConcurrencyError',
        actual: 4n,
      });
      expect(toAppendConflict(conflict('no_stream'), 'order-1', 'stream_exists', eventId)).toBeInstanceOf(ConcurrencyError);
    });
  });

  it('treat only connection-level failures as transient', () => {
    expect(isTransientError(new UnavailableError())).toBe(true);
    expect(isTransientError(conflict(1n))).toBe(false);
    expect(isTransientError(new Error('boom'))).toBe(false);
  });
});
