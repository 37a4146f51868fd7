import { defineConfig } from 'vitest/config';

/**
 * One vitest project per package and kind of test (`<package>:unit|int|e2e`), so that
 * `pnpm test:unit` and `pnpm test:int` select by kind and `--project platform:int` by package.
 */
const packages = ['schemas', 'domain', 'platform', 'command-service', 'projection-service', 'query-service', 'cli', 'compose'];

const kinds = {
  unit: { testTimeout: 10_000, hookTimeout: 10_000 },
  int: { testTimeout: 60_000, hookTimeout: 120_000 },
  e2e: { testTimeout: 180_000, hookTimeout: 180_000 },
} as const;

// Workspace packages resolve to their TypeScript sources under this export condition
// (listed before Vite's default server conditions, which setting `conditions` replaces). No `module` condition:
// externalised packages are loaded by Node as Node resolves them (OpenTelemetry's `module` builds do not load in Node).
const source = '@orderflow/source';

export default defineConfig({
  ssr: { resolve: { conditions: [source, 'node', 'development|production'], externalConditions: [source] } },
  test: {
    projects: packages.flatMap((pkg) =>
      Object.entries(kinds).map(([kind, timeouts]) => ({
        extends: true,
        test: {
          name: `${pkg}:${kind}`,
          include: [`${pkg}/**/*.${kind}.spec.ts`],
          exclude: ['**/node_modules/**', '**/dist/**'],
          environment: 'node',
          ...timeouts,
        },
      })),
    ),
  },
});
