/**
 * One store's measurements in a process of its own: Emmett's SQL layer replaces node-postgres' global type
 * parsers (int8 → BigInt, jsonb → its reviver), which would otherwise slow down — and change — our store's reads.
 * Arguments: <store> <database url> <config as JSON>. The parent says which phase to run next (see protocol.ts).
 */
import type { BenchConfig } from './config.js';
import { createCeilingSubject } from './ceiling.js';
import { createEmmettSubject } from './emmett.js';
import { createPhaseRunner } from './measureStore.js';
import { createOursSubject } from './ours.js';
import type { FromWorker, ToWorker } from './protocol.js';

const subjects = { ours: createOursSubject, emmett: createEmmettSubject, ceiling: createCeilingSubject } as const;

const [store = '', url = '', configJson = '{}'] = process.argv.slice(2);
if (!(store in subjects)) throw new Error(`unknown store "${store}"`);
const create = subjects[store as keyof typeof subjects];
const config = JSON.parse(configJson) as BenchConfig;

const send = (message: FromWorker) =>
  new Promise<void>((resolve, reject) => {
    process.send?.(message, (err: Error | null) => {
      if (err) reject(err);
      else resolve();
    });
  });

const subject = await create(url, { maxConnections: config.maxConnections, pageSize: config.pageSize });
const runner = createPhaseRunner(subject, url, config, (message) => process.stderr.write(`[${store}] ${message}\n`));
let queue = Promise.resolve();
process.on('message', (message: ToWorker) => {
  queue = queue.then(async () => {
    try {
      if (message.kind === 'phase') {
        await runner.run(message.phase);
        await send({ kind: 'done', phase: message.phase });
        return;
      }
      await send({ kind: 'figures', figures: runner.figures() });
    } catch (err) {
      await send({ kind: 'failed', error: err instanceof Error ? (err.stack ?? err.message) : String(err) });
    }
    await subject.close();
    process.disconnect();
  });
});
await send({ kind: 'ready' });
