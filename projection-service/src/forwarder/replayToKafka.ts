import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import {
  comparePositions,
  forwardedStreamPrefixes,
  isPosition,
  type EventStore,
  type KafkaPublisher,
  type Position,
} from '@orderflow/platform';

/** The replay's resumable state: written after every acknowledged batch, read at the next start. */
const ReplayCheckpoint = z.object({
  suffix: z.string(),
  topics: z.array(z.string()),
  from: z.string().refine((p) => p === 'start' || isPosition(p), 'must be a position or start'),
  to: z.string().refine(isPosition, 'must be a position'),
  position: z.string().refine((p) => p === 'start' || isPosition(p), 'must be a position or start'),
  published: z.int().min(0),
  updatedAt: z.string(),
});
export type ReplayCheckpoint = z.infer<typeof ReplayCheckpoint>;

export interface ReplayOptions {
  readonly store: EventStore;
  /** A publisher whose naming writes the fresh topics (e.g. suffix `.r2`). */
  readonly publisher: KafkaPublisher;
  readonly suffix: string;
  /** Where the checkpoint lives; an existing file resumes the replay it belongs to. */
  readonly checkpointFile: string;
  /** Republish the events after this position; ignored when resuming. */
  readonly from: Position | 'start';
  readonly batchSize?: number;
  readonly signal?: AbortSignal;
  readonly onProgress?: (progress: ReplayCheckpoint) => void;
}

export interface ReplayResult extends ReplayCheckpoint {
  readonly resumed: boolean;
}

/**
 * Republishes the forwarded streams into fresh topics, in log order (each key in its order), up to the head as it
 * was when the replay first started. The checkpoint advances only after Kafka acknowledged a batch, so an
 * interrupted replay resumes without a gap (at least once: the last batch may be sent twice; dedupe by event id).
 */
export async function replayToKafka(options: ReplayOptions): Promise<ReplayResult> {
  const { store, publisher } = options;
  const existing = await readCheckpoint(options.checkpointFile);
  if (existing !== undefined && existing.suffix !== options.suffix)
    throw new Error(`${options.checkpointFile} belongs to the replay with suffix "${existing.suffix}"`);
  const head = await store.headPosition();
  let state: ReplayCheckpoint = existing ?? {
    suffix: options.suffix,
    topics: [...publisher.topics],
    from: options.from,
    to: head ?? ('0000000000000000/0000000000000000' as Position),
    position: options.from,
    published: 0,
    updatedAt: new Date().toISOString(),
  };
  await publisher.ready(options.signal);
  const filter = { streamPrefixes: forwardedStreamPrefixes };
  const batchSize = options.batchSize ?? 1_000;
  const to = state.to;
  for (;;) {
    options.signal?.throwIfAborted();
    const from = state.position === 'start' ? 'start' : state.position;
    if (from !== 'start' && comparePositions(from, to) >= 0) break;
    const page = await store.readAll({ from, maxCount: batchSize, filter });
    const events = page.filter((e) => comparePositions(e.position, to) <= 0);
    const last = events.at(-1);
    if (last === undefined) break;
    await publisher.publish(events, options.signal);
    state = { ...state, position: last.position, published: state.published + events.length, updatedAt: new Date().toISOString() };
    await writeCheckpoint(options.checkpointFile, state);
    options.onProgress?.(state);
    if (events.length < page.length || page.length < batchSize) break;
  }
  return { ...state, resumed: existing !== undefined };
}

async function readCheckpoint(file: string): Promise<ReplayCheckpoint | undefined> {
  const text = await readFile(file, 'utf8').catch((err: unknown) => {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  });
  if (text === undefined) return undefined;
  const parsed = ReplayCheckpoint.safeParse(JSON.parse(text));
  if (!parsed.success) throw new Error(`${file} is not a replay checkpoint: ${parsed.error.message}`);
  return parsed.data;
}

/** Write-then-rename, so a crash never leaves half a checkpoint. */
async function writeCheckpoint(file: string, state: ReplayCheckpoint): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const temporary = `${file}.tmp`;
  await writeFile(temporary, `${JSON.stringify(state, null, 2)}\n`);
  await rename(temporary, file);
}
