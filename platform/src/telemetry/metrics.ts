import {
  Counter,
  Gauge,
  Histogram,
  Registry,
  type CounterConfiguration,
  type GaugeConfiguration,
  type HistogramConfiguration,
} from 'prom-client';

/**
 * The one Prometheus registry of a process (served at `/metrics` by every service). Components declare their metrics
 * through `counter`/`gauge`/`histogram`, which return the already-registered metric when a name is declared twice
 * (two processors, two apps in one embedded process), so declaring is safe anywhere.
 *
 * Naming: `orderflow_<area>_<what>_<unit>` (e.g. `orderflow_command_duration_seconds`,
 * `orderflow_projection_lag_events`, `orderflow_saga_checkouts`, `orderflow_gateway_circuit_state`).
 */
export const metricsRegistry = new Registry();

export function counter<Label extends string>(config: Omit<CounterConfiguration<Label>, 'registers'>): Counter<Label> {
  const found = metricsRegistry.getSingleMetric(config.name);
  if (found instanceof Counter) return found;
  return new Counter({ ...config, registers: [metricsRegistry] });
}

export function gauge<Label extends string>(config: Omit<GaugeConfiguration<Label>, 'registers'>): Gauge<Label> {
  const found = metricsRegistry.getSingleMetric(config.name);
  if (found instanceof Gauge) return found;
  return new Gauge({ ...config, registers: [metricsRegistry] });
}

export function histogram<Label extends string>(config: Omit<HistogramConfiguration<Label>, 'registers'>): Histogram<Label> {
  const found = metricsRegistry.getSingleMetric(config.name);
  if (found instanceof Histogram) return found;
  return new Histogram({ ...config, registers: [metricsRegistry] });
}
