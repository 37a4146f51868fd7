import { describe, expect, it } from 'vitest';
import { NaturalBatcher } from './naturalBatcher.js';

interface Item {
  readonly key: string;
  readonly value: number;
}

function recording(fail?: (items: readonly Item[]) => boolean, code = '23505') {
  const batches: number[][] = [];
  let release: (() => void) | undefined;
  let gate: Promise<void> | undefined;
  const batcher = new NaturalBatcher<Item>(
    async (items) => {
      batches.push(items.map((i) => i.value));
      if (gate !== undefined) await gate;
      if (fail?.(items) === true) throw Object.assign(new Error(`failed ${items.map((i) => i.value).join(',')}`), { code });
    },
    (item) => item.key,
    3,
  );
  return {
    batcher,
    batches,
    hold() {
      gate = new Promise((resolve) => (release = resolve));
    },
    release() {
      gate = undefined;
      release?.();
    },
  };
}

describe('NaturalBatcher', () => {
  it('sends a lone item at once and what arrives meanwhile as the next batch, at most maxItems each', async () => {
    const r = recording();
    r.hold();
    const first = r.batcher.add({ key: 'a', value: 1 });
    await new Promise((resolve) => setImmediate(resolve));
    expect(r.batches).toEqual([[1]]);
    const later = [2, 3, 4, 5].map((value) => r.batcher.add({ key: `k${value}`, value }));
    r.release();
    await Promise.all([first, ...later]);
    expect(r.batches).toEqual([[1], [2, 3, 4], [5]]);
  });

  it('never puts two items of one key in a batch, and keeps their order', async () => {
    const r = recording();
    await Promise.all([
      r.batcher.add({ key: 'a', value: 1 }),
      r.batcher.add({ key: 'a', value: 2 }),
      r.batcher.add({ key: 'b', value: 3 }),
    ]);
    expect(r.batches).toEqual([[1, 3], [2]]);
  });

  it('retries a batch refused for its data item by item, so only the guilty item fails', async () => {
    const r = recording((items) => items.some((i) => i.value === 2));
    const results = await Promise.allSettled([1, 2, 3].map((value) => r.batcher.add({ key: `k${value}`, value })));
    expect(results.map((s) => s.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(r.batches).toEqual([[1, 2, 3], [1], [2], [3]]);
    // Still working after a failure.
    await r.batcher.add({ key: 'k4', value: 4 });
    expect(r.batches.at(-1)).toEqual([4]);
  });
});

describe('NaturalBatcher failures', () => {
  it('fails the whole batch at once when the server, not an item, is at fault, and goes on afterwards', async () => {
    let down = true;
    const r = recording(() => down, '57P01'); // admin_shutdown
    const results = await Promise.allSettled([1, 2, 3].map((value) => r.batcher.add({ key: `k${value}`, value })));
    expect(results.map((s) => s.status)).toEqual(['rejected', 'rejected', 'rejected']);
    expect(r.batches).toEqual([[1, 2, 3]]);
    down = false;
    await r.batcher.add({ key: 'k4', value: 4 });
    expect(r.batches.at(-1)).toEqual([4]);
  });

  it('fails only the item whose key cannot be had', async () => {
    const batcher = new NaturalBatcher<number>(
      () => Promise.resolve(),
      (n) => {
        if (n === 2) throw new Error('no key');
        return String(n);
      },
    );
    const results = await Promise.allSettled([1, 2, 3].map((n) => batcher.add(n)));
    expect(results.map((s) => s.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
  });
});

describe('NaturalBatcher with results', () => {
  it("answers each caller with its own item's result", async () => {
    const batcher = new NaturalBatcher<number, string>(
      (items) => Promise.resolve(items.map((n) => `#${n}`)),
      (n) => String(n),
    );
    expect(await Promise.all([1, 2, 3].map((n) => batcher.add(n)))).toEqual(['#1', '#2', '#3']);
  });
});
