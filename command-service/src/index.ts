export { buildCommandApp, type CommandAppDeps } from './app.js';
export { deterministicUuid, handleCommand, type CommandContext, type DeciderLike, type HandleResult } from './handling/handleCommand.js';
export { demoCatalog, seedDemoCatalog } from './demoCatalog.js';
