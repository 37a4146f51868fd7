import { randomUUID } from 'node:crypto';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createEventStore, createLogger, resetProcessor, startProcessor, type EventStore, type NewEvent } from '@orderflow/platform';
import { describeWith, startSourceProcess, within, type SourceProcess } from '@orderflow/platform/testing';
import { eventRegistry, type EventOf, type EventType } from '@orderflow/schemas';
import { createStockLedger, ensureStockLedger } from '../testing/stockLedger.js';
import { createStockProjector } from './stock/stockProjector.js';

const entry = path.join(import.meta.dirname, '..', 'testing', 'stockProcessorsProcess.ts');
const processors = ['stock', 'stock-ledger'] as const;
type ProcessorName = (typeof processors)[number];

interface Kill {
  readonly processor: ProcessorName;
  /** The processor's n-th transaction of the process's run. */
  readonly transaction: number;
  readonly point: 'written' | 'fenced' | 'committing';
}

type Row = Record<string, unknown> & { sku: string; on_hand: number; reserved: number; sold: number };

const skus = Array.from({ length: 10 }, (_, i) => `KILL-${i}`);

/** ~6,000 inventory events of 10 SKUs, appended ~40 at a time, interleaved: reservations committed, released, expired or left open. */
async function writeInventoryHistory(store: EventStore): Promise<number> {
  let written = 0;
  let tick = 0;
  let seed = 6;
  const random = () => (seed = (seed * 48_271) % 2_147_483_647) / 2_147_483_647;
  const at = (n: number) => new Date(Date.UTC(2026, 3, 1) + n * 1000).toISOString();
  const event = <T extends EventType>(type: T, data: EventOf<T>['data']): NewEvent => ({
    type,
    data,
    metadata: { eventId: randomUUID(), schemaVersion: eventRegistry[type].schemaVersion, occurredAt: at(tick++) },
  });
  for (let round = 0; round < 15; round++)
    for (const [s, sku] of skus.entries()) {
      const events =
        round === 0
          ? [
              event('SkuRegistered', {
                sku,
                name: `Item ${sku}`,
                unitPrice: { amount: 900, currency: 'EUR' },
                perCustomerLimit: 5,
                perOrderLimit: null,
              }),
              event('StockReceived', { sku, quantity: 100_000 }),
            ]
          : [];
      for (let i = 0; i < 20; i++) {
        const n = round * 20 + i;
        const reservation = { sku, orderId: `o-${sku}-${n}`, customerId: `c-${n % 7}`, quantity: 1 + Math.floor(random() * 3) };
        events.push(event('StockReserved', { ...reservation, expiresAt: at(n + 600) }));
        const outcome = random();
        if (outcome < 0.6) events.push(event('ReservationCommitted', reservation));
        else if (outcome < 0.8) events.push(event('ReservationReleased', { ...reservation, reason: 'payment_declined' }));
        else if (outcome < 0.9) events.push(event('ReservationExpired', { ...reservation, expiresAt: at(n + 600) }));
        if (random() < 0.05) events.push(event('StockAdjusted', { sku, delta: -1 - s, reason: 'damaged' }));
      }
      await store.appendToStream(`inventory-${sku}`, events);
      written += events.length;
    }
  return written;
}

/**
 * A processor killed mid-batch resumes without double-applying (DESIGN.md §5): the real stock projector and the stock
 * ledger (unguarded counters: a batch applied twice would show) run in a child process that is SIGKILLed — from outside,
 * and held at each point of a batch's transaction — then restarted; the models must equal one uninterrupted run's.
 */
describeWith('postgres', 'a transactional processor SIGKILLed mid-batch', (use) => {
  let store: EventStore;
  let pool: pg.Pool;
  const children = new Set<SourceProcess>();

  /** The real stock projector and the unguarded ledger (`testing/stockProcessorsProcess.ts`) in a process of their own. */
  function startProcess(kills: readonly Kill[] = []): SourceProcess {
    const handle = startSourceProcess(entry, {
      DATABASE_URL: use().url,
      BATCH_SIZE: '150',
      LEDGER_DELAY_MS: '20',
      KILL_AT: kills.map((k) => `${k.processor}:${k.transaction}:${k.point}`).join(','),
    });
    children.add(handle);
    void handle.exited.then(() => children.delete(handle));
    return handle;
  }

  /** Stored checkpoints; positions are fixed-width hex, so they compare as strings. */
  async function checkpoints(): Promise<Record<ProcessorName, string>> {
    const { rows } = await pool.query<{ name: ProcessorName; checkpoint: string | null }>(
      'select name, checkpoint from processing.processors where name = any($1)',
      [processors],
    );
    const stored = new Map(rows.map((r) => [r.name, r.checkpoint ?? '']));
    return { stock: stored.get('stock') ?? '', 'stock-ledger': stored.get('stock-ledger') ?? '' };
  }

  async function runToTheEnd(head: string): Promise<void> {
    const child = startProcess();
    await expect.poll(async () => Object.values(await checkpoints()).every((c) => c >= head), { timeout: 60_000, interval: 50 }).toBe(true);
    child.kill('SIGTERM');
    expect(await within(child.exited, 20_000, 'stop on SIGTERM')).toEqual({ code: 0, signal: null });
  }

  const snapshot = async () => ({
    catalog: (await pool.query<Row>('select * from read_stock.catalog order by sku')).rows,
    ledger: (await pool.query<Row>('select * from stock_ledger order by sku')).rows,
  });

  beforeAll(async () => {
    store = await createEventStore({ databaseUrl: use().url });
    pool = new pg.Pool({ connectionString: use().url, max: 8 });
    await ensureStockLedger(pool);
  });
  afterAll(async () => {
    for (const child of children) child.kill('SIGKILL');
    await Promise.all([...children].map((c) => c.exited));
    await pool.end();
    await store.close();
  });

  it('resumes from its checkpoint and ends with the read model of an uninterrupted run, whichever point of a batch it died at', async () => {
    const events = await writeInventoryHistory(store);
    const head = await store.headPosition();
    if (head === undefined) throw new Error('no events');

    // The reference: one uninterrupted run of the same two processors (here, in this process).
    const stock = createStockProjector({ pool });
    await stock.ensure();
    const deps = { store, pool, logger: createLogger('killed-mid-batch', 'warn'), options: { lagSampleMs: 0 } };
    const uninterrupted = [startProcessor({ ...stock, batchSize: 150 }, deps), startProcessor(createStockLedger({ batchSize: 150 }), deps)];
    try {
      await Promise.all(uninterrupted.map((p) => p.whenCaughtUp(head, { timeoutMs: 60_000 })));
    } finally {
      await Promise.all(uninterrupted.map((p) => p.stop()));
    }
    const reference = await snapshot();
    expect(reference.catalog).toHaveLength(skus.length);
    expect(reference.ledger.reduce((sum, row) => sum + Number(row.events), 0)).toBe(events);
    // The ledger's unguarded counters agree with the stock projector's numbers.
    const numbers = (rows: Row[]) => rows.map((r) => [r.sku, r.on_hand, r.reserved, r.sold]);
    expect(numbers(reference.ledger)).toEqual(numbers(reference.catalog));
    expect(reference.catalog.every((row) => row.reserved > 0)).toBe(true);

    // Start over, in child processes killed mid-run and restarted.
    for (const name of processors) await resetProcessor(pool, name);
    await pool.query('truncate read_stock.catalog, stock_ledger');

    // Killed from outside, at whatever it is doing once the ledger has committed a batch (its batches hold their
    // transaction open for 20 ms, so most likely in the middle of one).
    const outside = startProcess();
    await expect.poll(async () => (await checkpoints())['stock-ledger'] !== '', { timeout: 30_000, interval: 10 }).toBe(true);
    outside.kill('SIGKILL');
    expect(await within(outside.exited, 20_000, 'killed from outside')).toEqual({ code: null, signal: 'SIGKILL' });
    expect((await checkpoints())['stock-ledger'] < head).toBe(true);

    // Then killed with each processor held at a chosen point of a batch: each point once for each processor.
    const rounds: Kill[][] = [
      [
        { processor: 'stock', transaction: 2, point: 'written' },
        { processor: 'stock-ledger', transaction: 3, point: 'fenced' },
      ],
      [
        { processor: 'stock', transaction: 3, point: 'fenced' },
        { processor: 'stock-ledger', transaction: 2, point: 'committing' },
      ],
      [
        { processor: 'stock', transaction: 2, point: 'committing' },
        { processor: 'stock-ledger', transaction: 2, point: 'written' },
      ],
    ];
    for (const kills of rounds) {
      const before = await checkpoints();
      const child = startProcess(kills);
      const context = kills.map((k) => `${k.processor} in transaction ${k.transaction} at ${k.point}`).join(', ');
      expect(await within(child.exited, 30_000, context), context).toEqual({ code: null, signal: 'SIGKILL' });
      const after = await checkpoints();
      for (const kill of kills) {
        const said = `${kill.processor} ${kill.transaction} ${kill.point} `;
        const inFlight =
          child
            .stdout()
            .split('\n')
            .find((line) => line.startsWith(`kill ${said}`))
            ?.slice(`kill ${said}`.length) ?? '';
        const stored = after[kill.processor];
        const what = `${context}: ${kill.processor} stored ${stored}, in flight ${inFlight}`;
        // It committed in this run and died before the end of the log; the batch in flight was rolled back, unless
        // its COMMIT had been sent.
        expect(inFlight, what).not.toBe('');
        expect(stored > before[kill.processor], what).toBe(true);
        expect(inFlight < head, what).toBe(true);
        if (kill.point === 'committing')
          // The server committed what the process never heard back about.
          await expect.poll(async () => (await checkpoints())[kill.processor], { timeout: 5_000, message: what }).toBe(inFlight);
        else expect(inFlight > stored, what).toBe(true);
      }
    }

    await runToTheEnd(head);
    const after = await snapshot();
    expect(after.ledger).toEqual(reference.ledger);
    expect(after.catalog).toEqual(reference.catalog);
    expect(Number((await pool.query<{ n: string }>('select count(*) as n from processing.dead_letters')).rows[0]?.n)).toBe(0);
  }, 120_000);
});
