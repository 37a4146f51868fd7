import { afterAll, beforeAll, describe, it } from 'vitest';
import { isolate, type InfraHandles, type Isolated } from './isolate.js';
import { infraLabels, requiredInfra, resolveInfra, type InfraKind } from './resolveInfra.js';

/**
 * An integration suite that needs a real `kind` server (DESIGN.md §6). The server is resolved once per worker
 * (env URL → testcontainers → `pnpm infra:up`'s env file); the suite gets a database / topic prefix of its own,
 * removed afterwards. When nothing answers the suite is skipped with the reason, unless REQUIRE_INFRA names
 * `kind`: then the file fails with that reason.
 */
export function describeWith<K extends InfraKind>(kind: K, title: string, body: (use: () => InfraHandles[K]) => void): void {
  describe(`${title} [${kind}]`, async () => {
    const resolution = await resolveInfra(kind);
    if (!resolution.ok) {
      if (requiredInfra().has(kind))
        throw new Error(`REQUIRE_INFRA names ${kind}, but no ${infraLabels[kind]} is reachable. ${resolution.reason}`);
      process.stderr.write(`[orderflow] skipping "${title}": ${resolution.reason}\n`);
      it.skip(`needs ${infraLabels[kind]}: ${resolution.reason}`, () => undefined);
      return;
    }
    let isolated: Isolated<InfraHandles[K]> | undefined;
    beforeAll(async () => {
      isolated = await isolate[kind](resolution.url, title);
    });
    afterAll(async () => {
      await isolated?.dispose();
    });
    body(() => {
      if (isolated === undefined) throw new Error(`${kind} handle used before beforeAll ran`);
      return isolated.handle;
    });
  });
}
