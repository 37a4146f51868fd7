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
import { createCheckoutInbox, type CheckoutInbox, type CheckoutInboxOptions } from './checkoutInbox.js';
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
  /** The inbox's limits: inputs in flight at most (back-pressure on the log), retry delay, attempts. */
  readonly inbox?: CheckoutInboxOptions;
  /** How often the lease holder looks for stored inputs to handle again (default 2 s). */
  readonly sweepMs?: number;
  /** How long `stop` waits for inputs being handled (default 10 s); what is left is handled by the next start. */
  readonly drainMs?: number;
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
  readonly inbox: CheckoutInbox;
  readonly policy: CheckoutPolicy;
  /** Fires the timers due now (the ticker does this on its own; tests and operators may too). Returns how many fired. */
  tick(): Promise<number>;
  stop(): Promise<void>;
}

/**
 * The checkout as a non-transactional processor of the global log: each batch's inputs go to the durable inbox,
 * which hands them to their checkouts' lanes; the checkpoint moves once they are stored, not once they are handled.
 */
export function checkoutProcessor(inbox: Pick<CheckoutInbox, 'admit'>, options: { name?: string } = {}): ProcessorDefinition {
  return {
    name: options.name ?? 'checkout-saga',
    filter: { eventTypes: checkoutInputTypes },
    batchSize: 500,
    transactional: false,
    async handleBatch(events) {
      const inputs: RoutedInput[] = [];
      for (const event of events) {
        const routed = toCheckoutInput(event);
        if (routed !== undefined) inputs.push(routed);
      }
      await inbox.admit(inputs);
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
  const inbox = createCheckoutInbox(pool, (routed) => handler.handle(routed), logger, config.inbox);
  const definition = checkoutProcessor(inbox, config.processorName === undefined ? {} : { name: config.processorName });
  const processor = await (config.startProcessor ?? platformRuntime)(definition, deps);
  setMetricsSource(pool, config.stuckAfterMs ?? 300_000, () => inbox.inFlight());

  const tick = () => fireDueTimers(pool, 200, (due) => handler.fire(due));
  const sweepMs = config.sweepMs ?? 2_000;
  let sweptAt = 0;
  let stopped = false;
  let ticking: Promise<void> = Promise.resolve();
  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(() => {
      ticking = (async () => {
        try {
          // Timers are fired, and the inbox swept, by the instance that holds the processor's lease only.
          while (processor.isActive() && !stopped && (await tick()) > 0);
          if (processor.isActive() && !stopped && Date.now() - sweptAt >= sweepMs) {
            sweptAt = Date.now();
            await inbox.sweep();
          }
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
    inbox,
    policy,
    tick,
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await ticking;
      await processor.stop();
      // Inputs still being handled finish (or are handled again by the next start: they stay in the inbox).
      await inbox.drain(config.drainMs ?? 10_000);
    },
  };
}
