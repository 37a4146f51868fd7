import { prepared, textArray } from '@orderflow/platform';
import type { CheckoutInput } from '@orderflow/schemas';
import type pg from 'pg';
import type { FastifyBaseLogger as Logger } from 'fastify';
import type { RoutedInput } from './checkoutInputs.js';
import { sagaMetrics } from './checkoutMetrics.js';

export interface CheckoutInboxOptions {
  /** Inputs admitted and not yet handled, at most; `admit` waits while there are more (default 2000). */
  readonly maxInFlight?: number;
  /** An input left in the inbox this long (its handling failed, or its process died) is handled again (default 10 s). */
  readonly retryAfterMs?: number;
  /** Attempts before an input is left for operators (`orderflow checkouts retry`) (default 10). */
  readonly maxAttempts?: number;
  /**
   * Inputs handled at once (default 128); the others wait their turn in order. Without a bound, a burst beyond what
   * the cores can carry slows every step at once until gateway calls time out and are retried, which costs more.
   */
  readonly concurrency?: number;
}

export interface CheckoutInbox {
  /**
   * Stores the inputs (one statement), then hands each to its checkout's lane without waiting for it to be handled.
   * Once this returns the inputs are durable: the processor may move its checkpoint past them.
   */
  admit(inputs: readonly RoutedInput[]): Promise<void>;
  /** Hands the stored inputs that nobody is handling here to their lanes: all of them the first time, then the stale ones. */
  sweep(): Promise<number>;
  /** Inputs admitted here and not yet handled. */
  inFlight(): number;
  /** Resolves when nothing admitted here is still being handled (or after `timeoutMs`). */
  drain(timeoutMs: number): Promise<void>;
}

interface InboxRow {
  order_id: string;
  input_id: string;
  input: CheckoutInput;
  traceparent: string | null;
}

const key = (orderId: string, inputId: string) => `${orderId}\n${inputId}`;

/**
 * The checkout's durable inbox (DESIGN.md §5): the processor's batch only stores its inputs, so the log's checkpoint
 * moves on at the speed of one insert while each checkout's steps (commands, gateway calls) run in its own lane.
 * An input leaves the inbox once it is handled; one whose handling failed, or whose process died, is handled again
 * by the next sweep, which the checkout recognises (the input id names it, every effect is idempotent).
 */
export function createCheckoutInbox(
  pool: pg.Pool,
  handle: (routed: RoutedInput) => Promise<void>,
  logger: Logger,
  options: CheckoutInboxOptions = {},
): CheckoutInbox {
  const maxInFlight = options.maxInFlight ?? 2_000;
  const retryAfterMs = options.retryAfterMs ?? 10_000;
  const maxAttempts = options.maxAttempts ?? 10;
  const concurrency = Math.max(1, options.concurrency ?? 128);
  const running = new Set<string>();
  let handling = 0;
  const turns: (() => void)[] = [];
  const turn = () =>
    handling < concurrency
      ? (handling++, Promise.resolve())
      : new Promise<void>((resolve) => {
          turns.push(resolve);
        });
  const nextTurn = () => {
    const next = turns.shift();
    if (next === undefined) handling -= 1;
    else next();
  };
  let waiters: (() => void)[] = [];
  let swept = false;
  let handled: { orderId: string; inputId: string }[] = [];
  let flushing: Promise<void> | undefined;

  const wake = () => {
    const ready = waiters;
    waiters = [];
    for (const resolve of ready) resolve();
  };

  // Handled inputs leave the inbox in one statement per burst; a crash before it only repeats them.
  const flushHandled = async () => {
    while (handled.length > 0) {
      const rows = handled;
      handled = [];
      await pool
        .query({
          ...prepared(`delete from checkout.inbox where (order_id, input_id) in (select * from unnest($1::text[], $2::text[]))`),
          values: [textArray(rows.map((r) => r.orderId)), textArray(rows.map((r) => r.inputId))],
        })
        .catch((err: unknown) => {
          logger.warn({ err, inputs: rows.length }, 'checkout inbox: could not remove handled inputs (they will be handled again)');
        });
    }
    flushing = undefined;
  };

  const failed = async (routed: RoutedInput, err: unknown) => {
    logger.warn({ err, orderId: routed.orderId, inputId: routed.inputId }, 'checkout input failed; the inbox retries it');
    sagaMetrics.inputFailures.inc();
    await pool
      .query(
        `update checkout.inbox set attempts = attempts + 1, last_error = $3, admitted_at = now()
         where order_id = $1 and input_id = $2`,
        [routed.orderId, routed.inputId, String(err instanceof Error ? err.message : err).slice(0, 1000)],
      )
      .catch(() => undefined);
  };

  const dispatch = (routed: RoutedInput) => {
    const id = key(routed.orderId, routed.inputId);
    if (running.has(id)) return;
    running.add(id);
    turn()
      .then(() => handle(routed))
      .then(
        () => {
          handled.push({ orderId: routed.orderId, inputId: routed.inputId });
          flushing ??= flushHandled();
        },
        (err: unknown) => failed(routed, err),
      )
      .finally(() => {
        nextTurn();
        running.delete(id);
        if (running.size < maxInFlight) wake();
      });
  };

  const sweep = async (): Promise<number> => {
    const first = !swept;
    const { rows } = await pool.query<InboxRow>(
      `select order_id, input_id, input, traceparent from checkout.inbox
       where attempts < $1 and ($2 or admitted_at < now() - $3 * interval '1 millisecond')
       order by seq limit $4`,
      [maxAttempts, first, retryAfterMs, maxInFlight],
    );
    swept = true;
    let dispatched = 0;
    for (const row of rows) {
      if (running.has(key(row.order_id, row.input_id))) continue;
      dispatched += 1;
      dispatch({
        orderId: row.order_id,
        inputId: row.input_id,
        input: row.input,
        ...(row.traceparent === null ? {} : { traceparent: row.traceparent }),
      });
    }
    if (dispatched > 0) logger.info({ inputs: dispatched, first }, 'checkout inbox: handling stored inputs again');
    return dispatched;
  };

  return {
    async admit(inputs) {
      // What an earlier process left behind goes first: its inputs are older than these.
      if (!swept) await sweep();
      if (inputs.length > 0)
        await pool.query({
          ...prepared(`insert into checkout.inbox (order_id, input_id, input, traceparent)
           select * from jsonb_to_recordset($1::jsonb) as u(order_id text, input_id text, input jsonb, traceparent text)
           on conflict do nothing`),
          values: [
            JSON.stringify(
              inputs.map((r) => ({ order_id: r.orderId, input_id: r.inputId, input: r.input, traceparent: r.traceparent ?? null })),
            ),
          ],
        });
      for (const routed of inputs) dispatch(routed);
      // Back-pressure: the log is read no faster than the lanes keep up.
      while (running.size >= maxInFlight) await new Promise<void>((resolve) => waiters.push(resolve));
    },
    sweep,
    inFlight: () => running.size,
    async drain(timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      while (running.size > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
      await flushing;
    },
  };
}
