import { describe, expect, it } from 'vitest';
import { dropOldestBeyond } from './boundedEntries.js';

describe('dropOldestBeyond', () => {
  it('drops the oldest entries of a Map or Set past the bound, and nothing within it', () => {
    const map = new Map([
      ['a', 1],
      ['b', 2],
      ['c', 3],
    ]);
    dropOldestBeyond(map, 3);
    expect([...map.keys()]).toEqual(['a', 'b', 'c']);
    map.set('d', 4);
    dropOldestBeyond(map, 3);
    expect([...map.keys()]).toEqual(['b', 'c', 'd']);
    const set = new Set(['a', 'b', 'c', 'd']);
    dropOldestBeyond(set, 1);
    expect([...set]).toEqual(['d']);
  });
});
