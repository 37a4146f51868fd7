import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { comparePositions, type EventFilter, type EventStore, type Position, type RecordedEvent } from '@orderflow/platform';
import { csvHeader, csvLine, ndjsonLine } from './eventRecords.js';

export type ExportFormat = 'ndjson' | 'csv';

export interface ExportOptions {
  readonly store: EventStore;
  /** Export the events after this position (exclusive), or from the start. */
  readonly from: Position | 'start';
  /** Up to this position (inclusive), or up to the head of the log when the export begins. */
  readonly to: Position | 'end';
  readonly filter?: EventFilter;
  readonly format: ExportFormat;
  readonly out: Writable;
  /** Events read per page (default 2000): the most held in memory at once. */
  readonly pageSize?: number;
  readonly signal?: AbortSignal;
  readonly onProgress?: (exported: number, position: Position) => void;
}

export interface ExportResult {
  readonly exported: number;
  /** The last position exported (resume an interrupted export with `from` = this). */
  readonly last: Position | undefined;
  readonly to: Position | undefined;
}

/**
 * Streams the global log to `out` page by page, waiting for `drain` whenever the stream's buffer is full, so an
 * export of any size holds one page in memory. `to: 'end'` is fixed at the head when the export starts.
 */
export async function exportEvents(options: ExportOptions): Promise<ExportResult> {
  const { store, out, format } = options;
  const pageSize = options.pageSize ?? 2_000;
  const to = options.to === 'end' ? await store.headPosition() : options.to;
  const line = format === 'csv' ? csvLine : ndjsonLine;
  if (format === 'csv') await write(out, csvHeader);
  let from: Position | 'start' = options.from;
  let exported = 0;
  let last: Position | undefined;
  while (to !== undefined && (from === 'start' || comparePositions(from, to) < 0)) {
    options.signal?.throwIfAborted();
    const page: RecordedEvent[] = await store.readAll({ from, maxCount: pageSize, ...(options.filter && { filter: options.filter }) });
    let chunk = '';
    let done = page.length < pageSize;
    for (const event of page) {
      if (comparePositions(event.position, to) > 0) {
        done = true;
        break;
      }
      chunk += line(event);
      exported++;
      last = event.position;
    }
    if (chunk !== '') await write(out, chunk);
    if (last !== undefined) options.onProgress?.(exported, last);
    const tail = page.at(-1);
    if (done || tail === undefined) break;
    from = tail.position;
  }
  return { exported, last, to };
}

async function write(out: Writable, chunk: string): Promise<void> {
  if (!out.write(chunk)) await once(out, 'drain');
}
