import { integerArray, NaturalBatcher, prepared, textArray, type Migration } from '@orderflow/platform';
import type { CheckoutPhase, CheckoutTimer } from '@orderflow/schemas';
import type pg from 'pg';

/**
 * The saga's own tables (schema `checkout`): its durable timers, and one row per checkout with its phase — what
 * operators list and what the metrics count. The checkout stream stays the truth; the row follows it.
 */
export const checkoutMigrations: readonly Migration[] = [
  {
    version: 1,
    name: 'timers and checkouts',
    sql: `create schema if not exists checkout;
      create table checkout.timers (
        order_id text not null, kind text not null, due_at timestamptz not null, claimed_until timestamptz,
        primary key (order_id, kind, due_at));
      create index timers_due on checkout.timers (due_at);
      create table checkout.checkouts (
        order_id text primary key, phase text not null, reason text, revision bigint not null,
        started_at timestamptz not null default now(), updated_at timestamptz not null default now());
      create index checkouts_phase on checkout.checkouts (phase, updated_at);
      create table checkout.checkpoints (name text primary key, position text not null);`,
  },
  {
    version: 2,
    name: 'inbox',
    sql: `create table checkout.inbox (
        order_id text not null, input_id text not null, seq bigint generated always as identity,
        input jsonb not null, traceparent text, attempts int not null default 0, last_error text,
        admitted_at timestamptz not null default now(),
        primary key (order_id, input_id));
      create index inbox_seq on checkout.inbox (seq);`,
  },
];

/** A row of this kind is an operator's request to retry a checkout (`orderflow checkouts retry`), fired like a timer. */
export const operatorRetryKind = 'operator';

export type DueTimer =
  | { readonly orderId: string; readonly kind: CheckoutTimer['kind']; readonly dueAt: string }
  | { readonly orderId: string; readonly kind: typeof operatorRetryKind; readonly dueAt: string };

export interface CheckoutRow {
  readonly orderId: string;
  readonly phase: CheckoutPhase;
  readonly reason: string | null;
  readonly startedAt: Date;
  readonly updatedAt: Date;
  /** Due time of its earliest live timer (`null`: none). */
  readonly nextTimerAt: Date | null;
}

/**
 * Fires due timers: claims up to `limit` of them for `claimMs` (SKIP LOCKED, so two tickers never claim the same
 * one), hands them to `fire`, then deletes them. No lock is held while they fire (firing cancels timers itself); a
 * crash before the delete leaves the claim to lapse and the timers fire again, which the checkout recognises (a
 * timer's input id is derived from it).
 */
export async function fireDueTimers(
  pool: pg.Pool,
  limit: number,
  fire: (due: readonly DueTimer[]) => Promise<void>,
  claimMs = 30_000,
): Promise<number> {
  const { rows } = await pool.query<{ order_id: string; kind: DueTimer['kind']; due_at: Date }>({
    ...prepared(`with due as (
       select order_id, kind, due_at from checkout.timers
       where due_at <= now() and (claimed_until is null or claimed_until < now())
       order by due_at limit $1 for update skip locked)
     update checkout.timers t set claimed_until = now() + $2 * interval '1 millisecond'
     from due where t.order_id = due.order_id and t.kind = due.kind and t.due_at = due.due_at
     returning t.order_id, t.kind, t.due_at`),
    values: [limit, claimMs],
  });
  if (rows.length === 0) return 0;
  await fire(rows.map((r) => ({ orderId: r.order_id, kind: r.kind, dueAt: r.due_at.toISOString() })));
  await pool.query(
    `delete from checkout.timers where (order_id, kind, due_at) in (select * from unnest($1::text[], $2::text[], $3::timestamptz[]))`,
    [rows.map((r) => r.order_id), rows.map((r) => r.kind), rows.map((r) => r.due_at)],
  );
  return rows.length;
}

export interface PhaseRow {
  readonly orderId: string;
  readonly phase: CheckoutPhase;
  readonly reason: string | undefined;
  readonly revision: bigint;
}

const upsertPhase = (values: string) => `insert into checkout.checkouts (order_id, phase, reason, revision) ${values}
  on conflict (order_id) do update set phase = excluded.phase, reason = coalesce(excluded.reason, checkout.checkouts.reason),
    revision = excluded.revision, updated_at = now()
  where checkout.checkouts.revision < excluded.revision`;

/** What a checkout step leaves in the saga's tables: the timers it set and cancelled, and its phase (when it moved). */
export interface StepRecord {
  readonly orderId: string;
  readonly set: readonly CheckoutTimer[];
  readonly cancelled: readonly CheckoutTimer[];
  readonly phase: PhaseRow | undefined;
}

const timerRows = (steps: readonly StepRecord[], pick: (step: StepRecord) => readonly CheckoutTimer[]) => {
  const rows = steps.flatMap((step) => pick(step).map((t) => [step.orderId, t.kind, t.dueAt] as const));
  return [textArray(rows.map((r) => r[0])), textArray(rows.map((r) => r[1])), textArray(rows.map((r) => r[2]))];
};

/**
 * Records steps of many checkouts in one statement: their timers (keyed by order, kind and due time: replaying an
 * old step can add a stale timer, a no-op when it fires, never move a live one) and their phases (an older revision
 * never overwrites a newer one). At most one step per checkout: the caller's batcher keeps them apart.
 */
async function writeSteps(pool: pg.Pool, steps: readonly StepRecord[]): Promise<void> {
  const phases = steps.flatMap((step) => (step.phase === undefined ? [] : [step.phase]));
  await pool.query({
    ...prepared(`with cancelled as (
       delete from checkout.timers t
       using unnest($1::text[], $2::text[], $3::timestamptz[]) as c(order_id, kind, due_at)
       where t.order_id = c.order_id and t.kind = c.kind and t.due_at = c.due_at),
     set as (
       insert into checkout.timers (order_id, kind, due_at)
       select * from unnest($4::text[], $5::text[], $6::timestamptz[])
       on conflict do nothing)
     ${upsertPhase('select * from unnest($7::text[], $8::text[], $9::text[], $10::bigint[])')}`),
    values: [
      ...timerRows(steps, (step) => step.cancelled),
      ...timerRows(steps, (step) => step.set),
      textArray(phases.map((p) => p.orderId)),
      textArray(phases.map((p) => p.phase)),
      textArray(phases.map((p) => p.reason ?? null)),
      integerArray(phases.map((p) => p.revision)),
    ],
  });
}

/**
 * Step records of concurrent checkouts go to PostgreSQL together (natural batching: what arrives while one batch is
 * on its way goes as the next), one statement for many steps under load; a step with nothing to record costs nothing.
 */
export function createStepRecorder(pool: pg.Pool): (step: StepRecord) => Promise<void> {
  const batcher = new NaturalBatcher<StepRecord>(
    (steps) => writeSteps(pool, steps),
    (step) => step.orderId,
  );
  return (step) =>
    step.set.length === 0 && step.cancelled.length === 0 && step.phase === undefined ? Promise.resolve() : batcher.add(step);
}

const openPhases = ['reserving', 'authorizing', 'completing', 'compensating'];

/**
 * Checkouts, newest first. `stuck`: raised to operators (`attention`), open without a live timer, or open and
 * unchanged for longer than `stuckAfterMs`. The filter is applied before the limit: the stuck checkouts are usually
 * the oldest, never among the newest `limit` of all.
 */
export async function listCheckouts(
  pool: pg.Pool,
  options: { stuck?: boolean; stuckAfterMs?: number; limit?: number; orderId?: string } = {},
): Promise<CheckoutRow[]> {
  const { rows } = await pool.query<{
    order_id: string;
    phase: CheckoutPhase;
    reason: string | null;
    started_at: Date;
    updated_at: Date;
    next_timer_at: Date | null;
  }>(
    `select c.order_id, c.phase, c.reason, c.started_at, c.updated_at,
        (select min(t.due_at) from checkout.timers t where t.order_id = c.order_id) as next_timer_at
     from checkout.checkouts c
     where ($1::text is null or c.order_id = $1)
       and (not $3::boolean or c.phase = 'attention' or (c.phase = any($4::text[]) and
         (c.updated_at < $5 or not exists (select 1 from checkout.timers t where t.order_id = c.order_id))))
     order by c.updated_at desc limit $2`,
    [
      options.orderId ?? null,
      options.limit ?? 1000,
      options.stuck === true,
      openPhases,
      new Date(Date.now() - (options.stuckAfterMs ?? 300_000)),
    ],
  );
  return rows.map((r) => ({
    orderId: r.order_id,
    phase: r.phase,
    reason: r.reason,
    startedAt: r.started_at,
    updatedAt: r.updated_at,
    nextTimerAt: r.next_timer_at,
  }));
}

/** Counts for the metrics: checkouts by phase, stuck ones, and timers already due but not fired. */
export async function checkoutCounts(
  pool: pg.Pool,
  stuckAfterMs: number,
): Promise<{ byPhase: Record<string, number>; stuck: number; backlog: number }> {
  const [phases, stuck, backlog] = await Promise.all([
    pool.query<{ phase: string; n: string }>('select phase, count(*) as n from checkout.checkouts group by phase'),
    pool.query<{ n: string }>(
      `select count(*) as n from checkout.checkouts c where c.phase = 'attention' or (c.phase = any($1) and
         (c.updated_at < now() - $2 * interval '1 millisecond' or not exists (select 1 from checkout.timers t where t.order_id = c.order_id)))`,
      [openPhases, stuckAfterMs],
    ),
    pool.query<{ n: string }>('select count(*) as n from checkout.timers where due_at <= now()'),
  ]);
  return {
    byPhase: Object.fromEntries(phases.rows.map((r) => [r.phase, Number(r.n)])),
    stuck: Number(stuck.rows[0]?.n ?? 0),
    backlog: Number(backlog.rows[0]?.n ?? 0),
  };
}

/**
 * Asks the running worker to retry a checkout now, durably (its ticker picks the request up like a due timer); inputs
 * of the checkout the inbox gave up on get their attempts back.
 */
export async function requestRetry(pool: pg.Pool, orderId: string): Promise<void> {
  await pool.query("update checkout.inbox set attempts = 0, admitted_at = now() - interval '1 hour' where order_id = $1", [orderId]);
  await pool.query(`insert into checkout.timers (order_id, kind, due_at) values ($1, $2, now()) on conflict do nothing`, [
    orderId,
    operatorRetryKind,
  ]);
}
