import { AsyncLocalStorage } from 'node:async_hooks';

/** Fields bound to every log line written while a piece of work runs (see `withLogContext`). */
export interface LogBindings {
  readonly correlationId?: string;
  readonly orderId?: string;
  readonly [field: string]: string | number | boolean | undefined;
}

const storage = new AsyncLocalStorage<LogBindings>();

/**
 * Runs `fn` with `bindings` added to every log line any logger from `createLogger` writes meanwhile, including
 * lines written deep inside shared code that never sees the request (the event store, a projector). Nested calls add
 * to the outer bindings.
 */
export function withLogContext<T>(bindings: LogBindings, fn: () => T): T {
  const outer = storage.getStore();
  return storage.run(outer === undefined ? bindings : { ...outer, ...bindings }, fn);
}

/** The bindings of the work running now (empty outside `withLogContext`). */
export function logContext(): LogBindings {
  return storage.getStore() ?? {};
}
