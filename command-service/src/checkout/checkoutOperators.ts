import type { EventStore } from '@orderflow/platform';
import type pg from 'pg';
import { deciders, execute, metadataFor, streams } from '../commands.js';
import { deterministicUuid } from '../handling/handleCommand.js';
import { listCheckouts, requestRetry, type CheckoutRow } from './checkoutTables.js';

/** Operator actions on checkouts (the `orderflow checkouts` commands), over the same handlers as the API and the saga. */
export const checkoutOperators = {
  /** Checkouts, newest first; `stuck` keeps those raised to operators, open without a timer, or open too long. */
  list(pool: pg.Pool, options: { stuck?: boolean; stuckAfterMs?: number; limit?: number } = {}): Promise<CheckoutRow[]> {
    return listCheckouts(pool, options);
  },
  /**
   * Asks the running worker to retry the checkout: the outstanding effects are issued again, and a checkout raised
   * after failed captures tries its capture again (with a fresh attempt count). Refused for an unknown checkout.
   */
  async retry(pool: pg.Pool, orderId: string): Promise<CheckoutRow> {
    const [row] = await listCheckouts(pool, { orderId, limit: 1 });
    if (row === undefined) throw new Error(`no checkout for order ${orderId}`);
    await requestRetry(pool, orderId);
    return row;
  },
  /** Cancels the order as an operator (`CancelOrder`, reason `operator`); the saga then gives back what it holds. */
  async cancel(store: EventStore, orderId: string, operator: string, detail?: string): Promise<{ cancelled: boolean }> {
    const metadata = metadataFor(deterministicUuid(`operator-cancel\n${orderId}`), { role: 'admin', id: operator });
    const data = { orderId, reason: 'operator' as const, ...(detail === undefined ? {} : { detail }) };
    const result = await execute(store, streams.order(orderId), deciders.order, { type: 'CancelOrder', data, metadata });
    return { cancelled: result.events.length > 0 };
  },
};
