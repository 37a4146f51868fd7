import { execFile } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { collectRuntimeMetrics, loadConfig, metricsRegistry } from '@orderflow/platform';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const execFileAsync = promisify(execFile);
const here = import.meta.dirname;
const root = path.join(here, '..');

interface Service {
  image?: string;
  build?: { context?: string; dockerfile?: string };
  command?: string[];
  environment?: Record<string, string>;
  ports?: (string | { target: number; published: string | number })[];
  volumes?: (string | { source?: string; target: string })[];
  healthcheck?: { test?: string[] };
  depends_on?: Record<string, { condition?: string }>;
}

/** The orderflow processes: the compose service, the port it listens on, its package and `start` script. */
const processes = {
  'command-service': { port: 3000, pkg: 'command-service', script: 'start' },
  'query-service': { port: 3001, pkg: 'query-service', script: 'start' },
  'payment-gateway': { port: 3002, pkg: 'command-service', script: 'start:gateway' },
  'projection-service': { port: 3003, pkg: 'projection-service', script: 'start' },
} as const;
const stores = ['eventstoredb', 'kafka', 'postgres', 'mongodb'];

/** The file as Compose resolves it (anchors merged, paths absolute), from Debian's docker-compose 1.29. */
async function resolvedCompose(): Promise<Record<string, Service>> {
  const { stdout } = await execFileAsync('docker-compose', ['-f', path.join(here, 'docker-compose.yml'), 'config']);
  return (parse(stdout) as { services: Record<string, Service> }).services;
}

/** Every metric name the code declares through counter/gauge/histogram, plus the Node runtime metrics. */
async function declaredMetricNames(): Promise<Set<string>> {
  const names = new Set<string>();
  for (const pkg of ['platform', 'command-service', 'projection-service', 'query-service', 'cli']) {
    const files = await readdir(path.join(root, pkg, 'src'), { recursive: true });
    for (const file of files.filter((f) => f.endsWith('.ts') && !f.endsWith('.spec.ts'))) {
      const text = await readFile(path.join(root, pkg, 'src', file), 'utf8');
      if (!/\b(counter|gauge|histogram)\b/.test(text)) continue;
      for (const match of text.matchAll(/\bname:\s*'(orderflow_[a-z0-9_]+)'/g)) names.add(match[1] ?? '');
    }
  }
  collectRuntimeMetrics();
  for (const metric of await metricsRegistry.getMetricsAsJSON()) if (!metric.name.startsWith('orderflow_')) names.add(metric.name);
  return names;
}

interface Panel {
  type: string;
  title: string;
  datasource?: { uid?: string };
  targets?: { expr?: string; datasource?: { uid?: string } }[];
}

/** Where a volume is mounted in the container (`source:target[:mode]` or the long form). */
const mountTarget = (volume: string | { target: string }) =>
  typeof volume === 'string' ? (volume.split(':')[1] ?? volume) : volume.target;

/** The metric names a PromQL expression reads (a histogram's series named by the histogram). */
function metricsIn(expr: string): string[] {
  return [...expr.matchAll(/\b((?:orderflow|nodejs|process)_[a-z0-9_]+)/g)].map((m) => (m[1] ?? '').replace(/_(bucket|count|sum)$/, ''));
}

describe('the full topology (compose/docker-compose.yml)', () => {
  let services: Record<string, Service>;
  // docker-compose is a Python program: on a loaded machine it takes far longer to start than a unit test's 10 s.
  beforeAll(async () => {
    services = await resolvedCompose();
  }, 60_000);

  it('runs every orderflow process from the one multi-stage Dockerfile, each through its package start script', async () => {
    const dockerfile = await readFile(path.join(here, 'Dockerfile'), 'utf8');
    expect([...dockerfile.matchAll(/^FROM \S+ AS (\w+)$/gm)].map((m) => m[1])).toEqual(['base', 'deps', 'build', 'runtime']);
    for (const [name, proc] of Object.entries(processes)) {
      const service = services[name];
      expect(service?.build, name).toEqual({ context: root, dockerfile: 'compose/Dockerfile' });
      expect(service?.command, name).toEqual(['pnpm', '--filter', `@orderflow/${proc.pkg}`, proc.script]);
      const manifest = JSON.parse(await readFile(path.join(root, proc.pkg, 'package.json'), 'utf8')) as {
        scripts?: Record<string, string>;
      };
      expect(manifest.scripts?.[proc.script], `${proc.pkg} has a "${proc.script}" script`).toBeDefined();
      expect(service?.environment?.HOST, name).toBe('0.0.0.0');
      expect(service?.environment?.OTEL_TRACES_EXPORTER, name).toBe('otlp');
      expect(service?.environment?.OTEL_EXPORTER_OTLP_ENDPOINT, name).toBe('http://jaeger:4318');
      expect(service?.environment?.OTEL_SERVICE_NAME, name).toBe(name);
      // The environment passes the configuration schema every process parses at boot (production rules included).
      const config = loadConfig(service?.environment ?? {});
      expect([config.NODE_ENV, config.usesDevelopmentSecret, config.EVENTSTORE_URL], name).toEqual([
        'production',
        false,
        'esdb://eventstoredb:2113?tls=false',
      ]);
    }
  });

  it('gates start order on health: each process is probed at its /readyz and waits for the stores it uses', () => {
    for (const [name, proc] of Object.entries(processes)) {
      const service = services[name];
      expect(service?.healthcheck?.test?.join(' '), name).toContain(`http://127.0.0.1:${proc.port}/readyz`);
      const dependencies = Object.entries(service?.depends_on ?? {});
      for (const [dependency, { condition }] of dependencies)
        if (stores.includes(dependency) || dependency in processes) expect(condition, `${name} → ${dependency}`).toBe('service_healthy');
    }
    const needs = (name: string) => Object.keys(services[name]?.depends_on ?? {});
    expect(needs('command-service')).toEqual(expect.arrayContaining(['eventstoredb', 'postgres', 'payment-gateway']));
    expect(needs('projection-service')).toEqual(expect.arrayContaining(['eventstoredb', 'postgres', 'mongodb', 'kafka']));
    expect(needs('query-service')).toEqual(expect.arrayContaining(['postgres', 'mongodb', 'projection-service']));
    expect(needs('grafana')).toEqual(['prometheus']);
    for (const name of ['jaeger', 'prometheus', 'grafana']) expect(services[name]?.image, name).toMatch(/:v?\d+\.\d+\.\d+$/);
  });

  it('has Prometheus scrape every orderflow process at the port it listens on', async () => {
    const mounts = (services.prometheus?.volumes ?? []).map(mountTarget);
    expect(mounts).toContain('/etc/prometheus/prometheus.yml');
    const config = parse(await readFile(path.join(here, 'prometheus', 'prometheus.yml'), 'utf8')) as {
      scrape_configs: { job_name: string; metrics_path?: string; static_configs: { targets: string[] }[] }[];
    };
    const targets = new Map(config.scrape_configs.map((job) => [job.job_name, job.static_configs.flatMap((s) => s.targets)]));
    for (const [name, proc] of Object.entries(processes)) {
      expect(targets.get(name), name).toEqual([`${name}:${proc.port}`]);
      expect(services[name], name).toBeDefined();
    }
    expect(config.scrape_configs.every((job) => (job.metrics_path ?? '/metrics') === '/metrics')).toBe(true);
  });
});

describe('the provisioned Grafana dashboard', () => {
  let panels: Panel[];
  let declared: Set<string>;
  beforeAll(async () => {
    const dashboard = JSON.parse(await readFile(path.join(here, 'grafana', 'dashboards', 'orderflow.json'), 'utf8')) as { panels: Panel[] };
    panels = dashboard.panels.filter((p) => p.type !== 'row');
    declared = await declaredMetricNames();
  }, 60_000); // reads every source file of five packages

  it('reads only metrics the code declares, in every panel', () => {
    expect(panels.length).toBeGreaterThanOrEqual(10);
    for (const panel of panels) {
      const used = (panel.targets ?? []).flatMap((t) => metricsIn(t.expr ?? ''));
      expect(used.length, panel.title).toBeGreaterThan(0);
      for (const metric of used) expect(declared.has(metric), `${panel.title}: ${metric} is declared by the code`).toBe(true);
    }
  });

  it('shows command rate and latency, saga states, projection lag, Kafka backlog, circuit state and event-loop delay', () => {
    const used = new Set(panels.flatMap((p) => (p.targets ?? []).flatMap((t) => metricsIn(t.expr ?? ''))));
    for (const metric of [
      'orderflow_command_duration_seconds',
      'orderflow_saga_checkouts',
      'orderflow_projection_lag_events',
      'orderflow_projection_lag_seconds',
      'orderflow_kafka_backlog_events',
      'orderflow_gateway_circuit_state',
      'nodejs_eventloop_lag_p99_seconds',
      'orderflow_http_requests_total',
    ])
      expect(used.has(metric), metric).toBe(true);
  });

  it('queries the provisioned Prometheus datasource, and is provisioned from the mounted folder', async () => {
    const datasources = parse(await readFile(path.join(here, 'grafana', 'provisioning', 'datasources', 'datasources.yml'), 'utf8')) as {
      datasources: { uid: string; type: string; url: string }[];
    };
    const prometheus = datasources.datasources.find((d) => d.type === 'prometheus');
    expect(prometheus?.url).toBe('http://prometheus:9090');
    for (const panel of panels) {
      expect(panel.datasource?.uid, panel.title).toBe(prometheus?.uid);
      for (const target of panel.targets ?? []) expect(target.datasource?.uid, panel.title).toBe(prometheus?.uid);
    }
    const providers = parse(await readFile(path.join(here, 'grafana', 'provisioning', 'dashboards', 'dashboards.yml'), 'utf8')) as {
      providers: { options: { path: string } }[];
    };
    const grafana = (await resolvedCompose()).grafana;
    const targets = (grafana?.volumes ?? []).map(mountTarget);
    expect(targets).toEqual(expect.arrayContaining(['/etc/grafana/provisioning', providers.providers[0]?.options.path ?? '']));
  });
});
