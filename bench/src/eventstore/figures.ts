import type { CpuFigures } from './cpu.js';

/** What one store measured; plain numbers only (it crosses the worker's IPC channel and ends up in JSON). */
export interface StoreFigures {
  store: string;
  seconds: number;
  seed?: { events: number; writers: number; via: string; seconds: number };
  readAll?: RateFigures & { complete: boolean };
  catchUp?: RateFigures & { caughtUp: boolean };
  appends: Record<string, AppendFigures>;
  batch?: AppendFigures & { eventsPerSec: number; batchSize: number };
  live?: { sent: number; received: number; p50Ms: number; p99Ms: number; maxMs: number };
}

export interface RateFigures {
  events: number;
  seconds: number;
  eventsPerSec: number;
  /** CPU per event read. */
  cpu?: CpuFigures;
}

export interface AppendFigures {
  writers: number;
  appends: number;
  appendsPerSec: number;
  p50Ms: number;
  p99Ms: number;
  /** CPU per append (per event for batches), warm-up included. */
  cpu?: CpuFigures;
}
