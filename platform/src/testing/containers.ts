import { existsSync } from 'node:fs';
import type { InfraKind } from './resolveInfra.js';

export type ContainerResult = { readonly started: true; readonly url: string } | { readonly started: false; readonly reason: string };

const images = {
  postgres: 'postgres:17-alpine',
  kafka: 'confluentinc/cp-kafka:7.9.0',
  mongo: 'mongo:7.0',
  eventstoredb: 'docker.kurrent.io/kurrent-latest/kurrentdb:25.0',
} as const satisfies Record<InfraKind, string>;

const started = new Map<InfraKind, Promise<ContainerResult>>();

/**
 * Starts (once per worker, reused across test files) a container for `kind` when a Docker engine answers.
 * testcontainers is imported only then, so machines without Docker pay nothing for it.
 */
export function startContainer(kind: InfraKind): Promise<ContainerResult> {
  let result = started.get(kind);
  if (result === undefined) {
    result = start(kind);
    started.set(kind, result);
  }
  return result;
}

async function start(kind: InfraKind): Promise<ContainerResult> {
  if (process.env.DOCKER_HOST === undefined && !existsSync('/var/run/docker.sock'))
    return { started: false, reason: 'no Docker engine (no DOCKER_HOST, no /var/run/docker.sock)' };
  const tc = await import('testcontainers');
  try {
    await tc.getContainerRuntimeClient();
  } catch (err) {
    return { started: false, reason: `no Docker engine answers (${err instanceof Error ? err.message : String(err)})` };
  }
  switch (kind) {
    case 'postgres': {
      const { PostgreSqlContainer } = await import('@testcontainers/postgresql');
      const c = await new PostgreSqlContainer(images.postgres).withReuse().start();
      return { started: true, url: c.getConnectionUri() };
    }
    case 'kafka': {
      const { KafkaContainer } = await import('@testcontainers/kafka');
      const c = await new KafkaContainer(images.kafka).withKraft().withReuse().start();
      return { started: true, url: `${c.getHost()}:${c.getMappedPort(9093)}` };
    }
    case 'mongo': {
      const { MongoDBContainer } = await import('@testcontainers/mongodb');
      const c = await new MongoDBContainer(images.mongo).withReuse().start();
      return { started: true, url: `${c.getConnectionString()}?directConnection=true` };
    }
    case 'eventstoredb': {
      const c = await new tc.GenericContainer(images.eventstoredb)
        .withEnvironment({ KURRENTDB_INSECURE: 'true', KURRENTDB_MEM_DB: 'false', KURRENTDB_RUN_PROJECTIONS: 'None' })
        .withExposedPorts(2113)
        .withWaitStrategy(tc.Wait.forHttp('/health/live', 2113).forStatusCode(204))
        .withReuse()
        .start();
      return { started: true, url: `esdb://${c.getHost()}:${c.getMappedPort(2113)}?tls=false` };
    }
  }
}
