import { collectDefaultMetrics } from 'prom-client';
import { metricsRegistry } from './metrics.js';

let collecting = false;

/**
 * Node runtime metrics (CPU, memory, GC, handles, event-loop lag `nodejs_eventloop_lag_seconds` and its percentiles)
 * in the shared registry; once per process however many apps call it.
 */
export function collectRuntimeMetrics(): void {
  if (collecting) return;
  collecting = true;
  collectDefaultMetrics({ register: metricsRegistry, eventLoopMonitoringPrecision: 10 });
}
