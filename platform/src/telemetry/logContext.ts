import { AsyncLocalStorage } from 'node:async_hooks';
import { context, createContextKey, type Context } from '@opentelemetry/api';

/** Fields bound to every log line written while a piece of work runs (see `withLogContext`). */
export interface LogBindings {
  readonly correlationId?: string;
  readonly orderId?: string;
  readonly [field: string]: string | number | boolean | undefined;
}

const bindingsKey = createContextKey('orderflow.logBindings');
const storage = new AsyncLocalStorage<LogBindings>();
/**
 * Once the OpenTelemetry SDK is registered (`initTelemetry`), the bindings travel in its context, whose own
 * AsyncLocalStorage already follows every async step: a second storage would double the cost of every promise
 * (async hooks propagate each storage). Without the SDK, OpenTelemetry's context is a no-op and ours is used.
 */
let inTraceContext = false;

/** Called by `initTelemetry` (true) and its `shutdown` (false). */
export function keepLogBindingsInTraceContext(on: boolean): void {
  inTraceContext = on;
}

function bindingsOf(active: Context): LogBindings | undefined {
  return active.getValue(bindingsKey) as LogBindings | undefined;
}

/** `outer` with `bindings` added (nested calls add to the outer bindings). */
function merged(outer: LogBindings | undefined, bindings: LogBindings): LogBindings {
  return outer === undefined ? bindings : { ...outer, ...bindings };
}

/**
 * Runs `fn` with `bindings` added to every log line any logger from `createLogger` writes meanwhile, including
 * lines written deep inside shared code that never sees the request (the event store, a projector). Nested calls add
 * to the outer bindings.
 */
export function withLogContext<T>(bindings: LogBindings, fn: () => T): T {
  if (inTraceContext) return context.with(withLogBindings(context.active(), bindings), fn);
  return storage.run(merged(storage.getStore(), bindings), fn);
}

/** `base` with `bindings` added to the log bindings it carries (for `enterContext`). */
export function withLogBindings(base: Context, bindings: LogBindings): Context {
  return base.setValue(bindingsKey, merged(bindingsOf(base), bindings));
}

/** Runs `fn` inside `entered`, a trace context, with the log bindings it carries (see `withLogBindings`). */
export function enterContext<T>(entered: Context, fn: () => T): T {
  if (inTraceContext) return context.with(entered, fn);
  return storage.run(bindingsOf(entered) ?? {}, () => context.with(entered, fn));
}

/** The bindings of the work running now (empty outside `withLogContext`). */
export function logContext(): LogBindings {
  return (inTraceContext ? bindingsOf(context.active()) : storage.getStore()) ?? {};
}
