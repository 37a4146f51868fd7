import {
  migrate,
  startProcessor,
  type EventStore,
  type ProcessorDefinition,
  type ProcessorDependencies,
  type RunningProcessor,
} from '@orderflow/platform';
import { CheckoutPolicy } from '@orderflow/schemas';
import type pg from 'pg';
import type { PaymentGateway } from '../payments/paymentGateway.js';
import { createCheckoutHandler, type CheckoutHandler } from './checkoutHandler.js';
import { checkoutInputTypes, toCheckoutInput, type RoutedInput } from './checkoutInputs.js';
import { setMetricsSource } from './checkoutMetrics.js';
import { checkoutMigrations, fireDueTimers } from './checkoutTables.js';

/** The platform's (pino) logger, which the processor runtime takes. */
type Logger = NonNullable<ProcessorDependencies['logger']>;

/** How the worker runs its processor; the platform runtime (`startProcessor`: leased, checkpointed) unless given. */
export type StartProcessor = (
  definition: ProcessorDefinition,
  deps: { readonly store: EventStore; readonly pool: pg.Pool; readonly logger: Logger },
) => RunningProcessor | Promise<RunningProcessor>;

const platformRuntime: StartProcessor = (definition, { store, pool, logger }) => startProcessor(definition, { store, pool, logger });

export const defaultCheckoutPolicy: CheckoutPolicy = {
  reservationTtlMs: 600_000,
  reservationGraceMs: 60_000,
  paymentTimeoutMs: 120_000,
  settleAfterMs: 30_000,
  retryBaseMs: 1_000,
  retryMaxMs: 15_000,
  maxCaptureAttempts: 5,
};

export interface CheckoutWorkerConfig {
  readonly policy?: Partial<CheckoutPolicy>;
  /** How often the ticker looks for due timers (default 500 ms). */
  readonly tickMs?: number;
  /** Open checkouts unchanged for this long count as stuck (default 5 min). */
  readonly stuckAfterMs?: number;
  /** Checkouts handled at once within a batch (default 32); inputs of one checkout stay in log order. */
  readonly concurrency?: number;
  /** The processor runtime; the platform's `startProcessor` when absent. */
  readonly startProcessor?: StartProcessor;
  readonly processorName?: string;
}

export interface CheckoutWorkerDeps {
  readonly store: EventStore;
  readonly pool: pg.Pool;
  readonly gateway: PaymentGateway;
  readonly logger: Logger;
  readonly config?: CheckoutWorkerConfig;
}

export interface CheckoutWorker {
  readonly processor: RunningProcessor;
  readonly handler: CheckoutHandler;
  readonly policy: CheckoutPolicy;
  /** Fires the timers due now (the ticker does this on its own; tests and operators may too). Returns how many fired. */
  tick(): Promise<number>;
  stop(): Promise<void>;
}

/** Runs `work` over `items` with at most `limit` at once. */
async function withLimit<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      await work(item);
    }
  });
  await Promise.all(lanes);
}

/** The checkout as a non-transactional processor of the global log: idempotent by its checkout stream and command ids. */
export function checkoutProcessor(handler: CheckoutHandler, options: { name?: string; concurrency?: number } = {}): ProcessorDefinition {
  return {
    name: options.name ?? 'checkout-saga',
    filter: { eventTypes: checkoutInputTypes },
    batchSize: 500,
    transactional: false,
    async handleBatch(events) {
      const byOrder = new Map<string, RoutedInput[]>();
      for (const event of events) {
        const routed = toCheckoutInput(event);
        if (routed === undefined) continue;
        const inputs = byOrder.get(routed.orderId) ?? [];
        inputs.push(routed);
        byOrder.set(routed.orderId, inputs);
      }
      await withLimit([...byOrder.values()], options.concurrency ?? 256, async (inputs) => {
        for (const routed of inputs) await handler.handle(routed);
      });
    },
  };
}

/**
 * The checkout saga worker (DESIGN.md §5): subscribes to order, inventory and payment events from its checkpoint,
 * and fires its durable timers from PostgreSQL. Compose it into `orderflow start` beside the command API.
 */
export async function startCheckoutWorker(deps: CheckoutWorkerDeps): Promise<CheckoutWorker> {
  const { pool, logger, config = {} } = deps;
  await migrate(pool, 'checkout', checkoutMigrations);
  const policy = CheckoutPolicy.parse({ ...defaultCheckoutPolicy, ...config.policy });
  const handler = createCheckoutHandler({ ...deps, policy });
  const definition = checkoutProcessor(handler, {
    ...(config.processorName === undefined ? {} : { name: config.processorName }),
    ...(config.concurrency === undefined ? {} : { concurrency: config.concurrency }),
  });
  const processor = await (config.startProcessor ?? platformRuntime)(definition, deps);
  setMetricsSource(pool, config.stuckAfterMs ?? 300_000);

  const tick = () => fireDueTimers(pool, 200, (due) => handler.fire(due));
  let stopped = false;
  let ticking: Promise<void> = Promise.resolve();
  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(() => {
      ticking = (async () => {
        try {
          // Timers are fired by the instance that holds the processor's lease only.
          while (processor.isActive() && !stopped && (await tick()) > 0);
        } catch (err) {
          logger.warn({ err }, 'checkout timers: tick failed');
        }
        schedule();
      })();
    }, config.tickMs ?? 500);
  };
  let timer: NodeJS.Timeout | undefined;
  schedule();

  return {
    processor,
    handler,
    policy,
    tick,
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await ticking;
      await processor.stop();
    },
  };
}
