import { counter, gauge, histogram } from '../telemetry/metrics.js';

/** The processing runtime's metrics, one series per processor (`orderflow_projection_*` are named in DESIGN.md). */
export const processorMetrics = {
  lagEvents: gauge<'processor'>({
    name: 'orderflow_projection_lag_events',
    help: 'Matching events between the processor checkpoint and the head of the log (sampled, capped)',
    labelNames: ['processor'],
  }),
  lagSeconds: gauge<'processor'>({
    name: 'orderflow_projection_lag_seconds',
    help: 'Age of the oldest event the processor has not processed yet (0 when caught up)',
    labelNames: ['processor'],
  }),
  batches: counter<'processor' | 'outcome'>({
    name: 'orderflow_processor_batches_total',
    help: 'Batches handled by outcome: ok, failed (retried), transient (infrastructure, retried), parked, lost (lease lost)',
    labelNames: ['processor', 'outcome'],
  }),
  deadLetters: counter<'processor'>({
    name: 'orderflow_processor_dead_letters_total',
    help: 'Events parked in processing.dead_letters after their retries',
    labelNames: ['processor'],
  }),
  active: gauge<'processor'>({
    name: 'orderflow_processor_active',
    help: '1 while this instance holds the processor lease',
    labelNames: ['processor'],
  }),
  batchSeconds: histogram<'processor' | 'mode'>({
    name: 'orderflow_processor_batch_duration_seconds',
    help: 'Time to apply a batch and commit its checkpoint',
    labelNames: ['processor', 'mode'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
  }),
  eventLagSeconds: histogram<'processor'>({
    name: 'orderflow_processor_event_lag_seconds',
    help: 'Live mode: from an event being recorded to the commit of the batch that applied it',
    labelNames: ['processor'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  }),
};
