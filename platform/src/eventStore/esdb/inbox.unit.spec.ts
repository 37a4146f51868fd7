import { PassThrough } from 'node:stream';
import { UnavailableError, type AllStreamResolvedEvent, type ResolvedEvent } from '@eventstore/db-client';
import { Subscription } from '@eventstore/db-client/dist/streams/utils/Subscription.js';
import { convertGrpcEvent, createStreamIdentifier, createUUID } from '@eventstore/db-client/dist/utils/index.js';
import { ReadResp } from '@eventstore/db-client/generated/streams_pb.js';
import { describe, expect, it } from 'vitest';
import { SubscriptionInbox, type InboxItem } from './inbox.js';

/** The client's subscription is an object-mode Transform: events come out of its readable side. */
function source() {
  return new PassThrough({ objectMode: true });
}

function resolved(n: number): AllStreamResolvedEvent {
  return {
    event: {
      streamId: 's-1',
      id: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
      isJson: true,
      revision: BigInt(n),
      type: 'Tick',
      created: new Date(0),
      data: { n },
      metadata: undefined,
      position: { commit: BigInt(n * 100), prepare: BigInt(n * 100) },
    },
  };
}

function label(item: InboxItem | undefined): string {
  if (item === undefined) return 'done';
  return item.kind === 'checkpoint' ? `cp@${item.position.commit}` : `e${String(item.resolved.event?.revision)}`;
}

async function takeAll(inbox: SubscriptionInbox, count: number): Promise<string[]> {
  const out: string[] = [];
  for (let i = 0; i < count; i++) out.push(label(await inbox.take()));
  return out;
}

describe('SubscriptionInbox', () => {
  it('keeps a checkpoint behind the events the client buffered before calling back', async () => {
    // Given three events sitting unread in the subscription's buffer
    const s = source();
    const inbox = new SubscriptionInbox();
    inbox.attach(s);
    [1, 2, 3].forEach((n) => s.write(resolved(n)));
    // When the client reports a checkpoint past them, then sends a fourth event
    inbox.checkpoint(s, { commit: 350n, prepare: 350n });
    s.write(resolved(4));
    // Then the checkpoint comes after the three events and before the fourth
    expect(await takeAll(inbox, 5)).toEqual(['e1', 'e2', 'e3', 'cp@350', 'e4']);
  });

  it('waits for the next item when none is queued', async () => {
    const s = source();
    const inbox = new SubscriptionInbox();
    inbox.attach(s);
    const next = inbox.take();
    setTimeout(() => s.write(resolved(7)), 5);
    expect(label(await next)).toBe('e7');
  });

  it('delivers what came before a failure, then throws it', async () => {
    const s = source();
    const inbox = new SubscriptionInbox();
    inbox.attach(s);
    s.write(resolved(1));
    s.emit('error', new UnavailableError());
    expect(label(await inbox.take())).toBe('e1');
    await expect(inbox.take()).rejects.toBeInstanceOf(UnavailableError);
  });

  it('ends when the source ends, after its last events', async () => {
    const s = source();
    const inbox = new SubscriptionInbox();
    inbox.attach(s);
    s.end(resolved(1));
    expect(await takeAll(inbox, 2)).toEqual(['e1', 'done']);
  });

  it('returns nothing once aborted, even with items queued', async () => {
    const s = source();
    const inbox = new SubscriptionInbox();
    inbox.attach(s);
    const controller = new AbortController();
    const waiting = inbox.take(controller.signal);
    controller.abort();
    expect(await waiting).toBeUndefined();
    s.write(resolved(1));
    expect(await inbox.take(controller.signal)).toBeUndefined();
  });

  it('stops reading at its high-water mark, leaving the rest to backpressure, and loses nothing', async () => {
    const s = source();
    const inbox = new SubscriptionInbox(2);
    inbox.attach(s);
    [1, 2, 3, 4, 5, 6].forEach((n) => s.write(resolved(n)));
    expect(label(await inbox.take())).toBe('e1');
    expect(s.readableLength).toBeGreaterThan(0);
    expect(await takeAll(inbox, 5)).toEqual(['e2', 'e3', 'e4', 'e5', 'e6']);
  });
});

describe('SubscriptionInbox behind the client’s own Subscription transform', () => {
  function eventResp(n: number): ReadResp {
    const record = new ReadResp.ReadEvent.RecordedEvent()
      .setId(createUUID(`00000000-0000-4000-8000-${String(n).padStart(12, '0')}`))
      .setStreamIdentifier(createStreamIdentifier('s-1'))
      .setStreamRevision(String(n))
      .setCommitPosition(String(n * 100))
      .setPreparePosition(String(n * 100))
      .setData(Buffer.from(JSON.stringify({ n })));
    record.getMetadataMap().set('type', 'Tick').set('content-type', 'application/json').set('created', '0');
    return new ReadResp().setEvent(new ReadResp.ReadEvent().setEvent(record));
  }

  function checkpointResp(at: number): ReadResp {
    return new ReadResp().setCheckpoint(new ReadResp.Checkpoint().setCommitPosition(String(at)).setPreparePosition(String(at)));
  }

  /** Stands in for the gRPC call only: every response goes through the client's real Subscription and converter. */
  function grpcCall() {
    return Object.assign(new PassThrough({ objectMode: true }), {
      deserialize: (chunk: Buffer) => ReadResp.deserializeBinary(chunk),
      cancel: () => undefined,
      getPeer: () => 'test',
      getAuthContext: () => null,
    });
  }

  it('yields every checkpoint after the events before it and before the events after it, under a slow consumer', async () => {
    // Given the server sends 60 events with a checkpoint after every 7th, all at once
    const call = grpcCall();
    const inbox = new SubscriptionInbox(4);
    inbox.attach(new Subscription<ResolvedEvent>(() => Promise.resolve(call), convertGrpcEvent, {}, inbox.checkpoint));
    const sent: string[] = [];
    for (let n = 1; n <= 60; n++) {
      call.write(eventResp(n));
      sent.push(`e${n}`);
      if (n % 7 === 0) {
        call.write(checkpointResp(n * 100));
        sent.push(`cp@${n * 100}`);
      }
    }
    // When a consumer takes them slowly
    const received: string[] = [];
    while (received.length < sent.length) {
      received.push(label(await inbox.take()));
      if (received.length % 5 === 0) await new Promise((resolve) => setTimeout(resolve, 1));
    }
    // Then it sees exactly the server's order
    expect(received).toEqual(sent);
  });
});
