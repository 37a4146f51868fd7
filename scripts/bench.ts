/**
 * `pnpm bench <name> [options]`: runs one benchmark of bench/ (DESIGN.md §6: a readable table, then one JSON line).
 */
interface Benchmark {
  readonly description: string;
  run(args: readonly string[]): Promise<void>;
}

const benchmarks: Record<string, () => Promise<Benchmark>> = {
  eventstore: () => import('../bench/src/eventstore.js'),
  query: () => import('../bench/src/query.js'),
  kafka: () => import('../bench/src/kafka.js'),
  projections: () => import('../bench/src/projections.js'),
  checkout: () => import('../bench/src/checkout.js'),
};

const [name, ...args] = process.argv.slice(2);
const load = name === undefined ? undefined : benchmarks[name];
if (load === undefined) {
  console.error(`${name === undefined ? 'Usage' : `Unknown benchmark "${name}"`}: pnpm bench <name> [options]\n\nBenchmarks:`);
  for (const [available, loadOne] of Object.entries(benchmarks))
    console.error(`  ${available.padEnd(12)} ${(await loadOne()).description}`);
  process.exit(2);
}
await (await load()).run(args);
