import type pg from 'pg';
import type { Position, RecordedEvent } from '../eventStore/types.js';
import { prepared } from '../postgres/prepared.js';
import { checkpointChannel } from './schema.js';

type Queryable = Pick<pg.ClientBase, 'query'>;

/**
 * Fenced checkpoint write and its NOTIFY in one statement: nothing is written (and `false` returned) when `epoch` is
 * no longer the processor's, i.e. another instance holds the lease now. Inside a transaction the NOTIFY is delivered
 * at commit.
 */
export async function writeCheckpoint(db: Queryable, name: string, epoch: string, position: Position): Promise<boolean> {
  const result = await db.query({
    ...prepared(`with updated as (
       update processing.processors set checkpoint = $3, updated_at = now() where name = $1 and epoch = $2 returning name)
     select pg_notify('${checkpointChannel}', $1 || ' ' || $3) from updated`),
    values: [name, epoch, position],
  });
  return result.rowCount === 1;
}

/** The fence alone (a blue-green rebuild writes into a shadow and moves the checkpoint only at the swap). */
export async function checkEpoch(db: Queryable, name: string, epoch: string): Promise<boolean> {
  const result = await db.query({
    ...prepared('update processing.processors set heartbeat_at = now() where name = $1 and epoch = $2'),
    values: [name, epoch],
  });
  return result.rowCount === 1;
}

/** What a dead letter keeps of the event: everything needed to hand it to `handleBatch` again. */
export interface StoredEvent {
  readonly streamId: string;
  readonly revision: string;
  readonly position: string;
  readonly type: string;
  readonly data: RecordedEvent['data'];
  readonly metadata: RecordedEvent['metadata'];
  readonly recordedAt: string;
}

export function toStoredEvent(event: RecordedEvent): StoredEvent {
  return { ...event, revision: event.revision.toString(), recordedAt: event.recordedAt.toISOString() };
}

export function fromStoredEvent(stored: StoredEvent): RecordedEvent {
  return { ...stored, revision: BigInt(stored.revision), position: stored.position as Position, recordedAt: new Date(stored.recordedAt) };
}

/** Parks an event; parking it again (a replay after a crash) only updates the error and attempts. */
export async function insertDeadLetter(db: Queryable, name: string, event: RecordedEvent, error: string, attempts: number): Promise<void> {
  await db.query(
    `insert into processing.dead_letters (processor, position, stream_id, event_type, event_id, event, error, attempts)
     values ($1, $2, $3, $4, $5, $6, $7, $8)
     on conflict (processor, event_id) do update set error = excluded.error, attempts = excluded.attempts, parked_at = now()`,
    [name, event.position, event.streamId, event.type, event.metadata.eventId, JSON.stringify(toStoredEvent(event)), error, attempts],
  );
}
