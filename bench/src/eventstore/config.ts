export const phases = ['seed', 'readAll', 'catchUp', 'append1', 'append16', 'append64', 'batch', 'live'] as const;
export type Phase = (typeof phases)[number];

/** Everything a run depends on; printed in the JSON line so runs are comparable. */
export interface BenchConfig {
  readonly phases: readonly Phase[];
  readonly maxConnections: number;
  /** Page size for readAll and for both subscriptions. */
  readonly pageSize: number;
  readonly warmupMs: number;
  /** Measurement window of each single-event append level and of the batch appends. */
  readonly measureMs: number;
  readonly batchSize: number;
  readonly batchWriters: number;
  readonly seedEvents: number;
  readonly seedBatch: number;
  /** Longest a readAll or a catch-up may run; a slower store reports the rate over what it read. */
  readonly readCapMs: number;
  readonly liveIntervalMs: number;
  readonly liveDurationMs: number;
}

export const defaultConfig: BenchConfig = {
  phases,
  maxConnections: 70,
  pageSize: 1_000,
  warmupMs: 1_000,
  measureMs: 6_000,
  batchSize: 100,
  batchWriters: 4,
  seedEvents: 1_000_000,
  seedBatch: 1_000,
  readCapMs: 20_000,
  liveIntervalMs: 5,
  liveDurationMs: 5_000,
};

export const writerLevels = { append1: 1, append16: 16, append64: 64 } as const satisfies Partial<Record<Phase, number>>;
