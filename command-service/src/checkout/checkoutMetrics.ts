import { counter, gauge } from '@orderflow/platform';
import type pg from 'pg';
import { checkoutCounts } from './checkoutTables.js';

const phases = ['reserving', 'authorizing', 'completing', 'completed', 'compensating', 'cancelled', 'attention'] as const;

/** The pool the gauges read at scrape time (the last worker started in this process). */
let source: { pool: pg.Pool; stuckAfterMs: number; inFlight: () => number } | undefined;

async function counts() {
  if (source === undefined) return undefined;
  try {
    return await checkoutCounts(source.pool, source.stuckAfterMs);
  } catch {
    return undefined;
  }
}

export const sagaMetrics = {
  steps: counter({
    name: 'orderflow_saga_steps_total',
    help: 'Checkout steps recorded, by the phase after the step',
    labelNames: ['phase'],
  }),
  checkouts: gauge({
    name: 'orderflow_saga_checkouts',
    help: 'Checkouts by state (phase)',
    labelNames: ['state'],
    async collect() {
      const found = await counts();
      if (found === undefined) return;
      for (const phase of phases) this.set({ state: phase }, found.byPhase[phase] ?? 0);
    },
  }),
  stuck: gauge({
    name: 'orderflow_saga_stuck',
    help: 'Checkouts raised to operators, open without a live timer, or open and unchanged for too long',
    async collect() {
      const found = await counts();
      if (found !== undefined) this.set(found.stuck);
    },
  }),
  inputFailures: counter({
    name: 'orderflow_saga_input_failures_total',
    help: 'Checkout inputs whose handling failed (the inbox handles them again)',
  }),
  inFlight: gauge({
    name: 'orderflow_saga_inputs_in_flight',
    help: 'Checkout inputs admitted to the inbox and not yet handled, in this process',
    collect() {
      if (source !== undefined) this.set(source.inFlight());
    },
  }),
  backlog: gauge({
    name: 'orderflow_timer_backlog',
    help: 'Checkout timers due and not yet fired',
    async collect() {
      const found = await counts();
      if (found !== undefined) this.set(found.backlog);
    },
  }),
};

export function setMetricsSource(pool: pg.Pool | undefined, stuckAfterMs: number, inFlight: () => number = () => 0): void {
  source = pool === undefined ? undefined : { pool, stuckAfterMs, inFlight };
}
