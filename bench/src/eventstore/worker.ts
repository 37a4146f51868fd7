/**
 * One store's measurements in a process of its own: Emmett's SQL layer replaces node-postgres' global type
 * parsers (int8 → BigInt, jsonb → its reviver), which would otherwise slow down — and change — our store's reads.
 * Arguments: <store> <database url> <config as JSON>; the figures go back over the IPC channel.
 */
import type { BenchConfig } from './config.js';
import { createEmmettSubject } from './emmett.js';
import { measureStore } from './measureStore.js';
import { createOursSubject } from './ours.js';

const subjects = { ours: createOursSubject, emmett: createEmmettSubject } as const;

const [store = '', url = '', configJson = '{}'] = process.argv.slice(2);
if (!(store in subjects)) throw new Error(`unknown store "${store}"`);
const create = subjects[store as keyof typeof subjects];
const config = JSON.parse(configJson) as BenchConfig;

const subject = await create(url, { maxConnections: config.maxConnections, pageSize: config.pageSize });
try {
  const figures = await measureStore(subject, url, config, (message) => process.stderr.write(`[${store}] ${message}\n`));
  await new Promise<void>((resolve, reject) => {
    process.send?.(figures, (err: Error | null) => {
      if (err) reject(err);
      else resolve();
    });
  });
} finally {
  await subject.close();
}
