import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { format, resolveConfig } from 'prettier';
import { asyncApiDocument } from './asyncApiDocument.js';

/** `pnpm asyncapi`: writes the event catalog to schemas/asyncapi.json, formatted as the repository formats JSON. */
const target = fileURLToPath(new URL('../../asyncapi.json', import.meta.url));
const text = await format(JSON.stringify(asyncApiDocument()), { ...(await resolveConfig(target)), filepath: target });
await writeFile(target, text);
process.stdout.write(`wrote ${target}\n`);
