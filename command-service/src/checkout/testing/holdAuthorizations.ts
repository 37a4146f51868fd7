import { createLogger } from '@orderflow/platform';
import type { CheckoutPolicy } from '@orderflow/schemas';
import type { PaymentGateway } from '../../payments/paymentGateway.js';
import { createCheckoutRig, testPolicy, type CheckoutRig } from '../checkoutTesting.js';
import { startCheckoutWorker } from '../checkoutWorker.js';

/** The real gateway client, with the answers to approved authorizations of one token held back from the saga. */
export interface AuthorizationHold {
  readonly gateway: PaymentGateway;
  /** Settles once the gateway has approved this payment's authorization (its answer is then held). */
  approved(paymentId: string, timeoutMs?: number): Promise<void>;
  /** Lets every held answer through, and every later one straight away. */
  release(): void;
}

/**
 * Wraps a gateway client so that an approved authorization of `token` reaches the saga only on `release()`: a slow
 * way back from the gateway, the one window in which the gateway holds an authorization that the checkout has not
 * heard of, so nothing is yet confirmed, committed or captured. Every request still goes to the gateway as it is.
 */
export function holdAuthorizations(inner: PaymentGateway, token: string): AuthorizationHold {
  const approvals = new Map<string, { promise: Promise<void>; resolve: () => void }>();
  const approval = (paymentId: string) => {
    let found = approvals.get(paymentId);
    if (found === undefined) {
      let resolve: () => void = () => undefined;
      const promise = new Promise<void>((r) => {
        resolve = r;
      });
      found = { promise, resolve };
      approvals.set(paymentId, found);
    }
    return found;
  };
  let release: () => void = () => undefined;
  const released = new Promise<void>((r) => {
    release = r;
  });
  return {
    gateway: {
      async authorize(request, signal) {
        const outcome = await inner.authorize(request, signal);
        if (outcome.outcome === 'approved' && request.paymentMethodToken === token) {
          approval(request.paymentId).resolve();
          await released;
        }
        return outcome;
      },
      capture: (request, signal) => inner.capture(request, signal),
      void: (request, signal) => inner.void(request, signal),
      refund: (request, signal) => inner.refund(request, signal),
      circuitState: () => inner.circuitState(),
    },
    approved(paymentId, timeoutMs = 20_000) {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          reject(new Error(`no approved authorization of ${paymentId} at the gateway within ${timeoutMs} ms`));
        }, timeoutMs);
      });
      return Promise.race([approval(paymentId).promise, timeout]).finally(() => {
        clearTimeout(timer);
      });
    },
    release,
  };
}

/**
 * A checkout rig (real store, PostgreSQL and sandbox) whose worker's gateway holds back the approvals of `token`;
 * `policy` adds to the tests' policy. The caller releases the hold before closing the rig.
 */
export async function createHeldCheckoutRig(
  databaseUrl: string,
  token: string,
  policy: Partial<CheckoutPolicy>,
): Promise<{ readonly rig: CheckoutRig; readonly hold: AuthorizationHold }> {
  const rig = await createCheckoutRig(databaseUrl);
  const hold = holdAuthorizations(rig.gateway, token);
  rig.worker = await startCheckoutWorker({
    store: rig.store,
    pool: rig.pool,
    gateway: hold.gateway,
    logger: createLogger('checkout-test', process.env.LOG_LEVEL ?? 'silent'),
    config: { tickMs: 100, policy: { ...testPolicy, ...policy } },
  });
  return { rig, hold };
}
