import { describe, expect, it } from 'vitest';
import { CallTable } from '../src/call-table.js';
import type { Id } from '../src/envelope.js';
import { seededRandom } from './fixtures.js';

/** Random operations on a CallTable and a Map side by side: they must agree. */
function agreeWithMap(ids: () => Id, steps: number): void {
  const table = new CallTable<string>();
  const map = new Map<Id, string>();
  const rand = seededRandom(7);
  for (let i = 0; i < steps; i++) {
    const id = ids();
    const op = rand(3);
    if (op === 0) {
      table.set(id, `v${i}`);
      map.set(id, `v${i}`);
    } else if (op === 1) {
      expect(table.delete(id)).toBe(map.delete(id));
    }
    expect(table.get(id)).toBe(map.get(id));
    expect(table.size).toBe(map.size);
  }
  expect(new Map([...table])).toEqual(map);
}

describe('CallTable', () => {
  it('keeps ids counting up, as calls do, with some long-lived ones among them', () => {
    const table = new CallTable<number>();
    const long = new Map<number, number>();
    for (let id = 1; id <= 20_000; id++) {
      table.set(id, id);
      if (id % 997 === 0) long.set(id, id); // stays in flight while thousands pass
      if (id > 64 && !long.has(id - 64)) expect(table.delete(id - 64)).toBe(true);
    }
    for (const id of long.keys()) expect(table.get(id)).toBe(id);
    expect(table.get(20_000)).toBe(20_000);
    expect(table.get(100)).toBeUndefined();
  });

  it('agrees with a Map on any ids: small, colliding, negative, fractional, huge, strings, null', () => {
    let seed = 3;
    const pick = <T>(xs: T[]): T => xs[(seed = (seed * 48271) % 2147483647) % xs.length] as T;
    const pool: Id[] = [0, 1, 2, 64, 65, 128, 4096, 8192, -1, -64, 1.5, 2 ** 31, 2 ** 40, 'a', '1', '', null];
    agreeWithMap(() => pick(pool), 5000);
    agreeWithMap(() => pick([...Array(300).keys()]), 20_000);
  });

  it('iterates like a Map: what is deleted during the iteration is not visited', () => {
    const table = new CallTable<string>();
    for (const id of [1, 2, 3, 'x', 65]) table.set(id, `v${id}`);
    const seen: Id[] = [];
    for (const [id] of table) {
      seen.push(id);
      if (id === 1) {
        table.delete(2);
        table.delete('x');
      }
    }
    expect(seen.sort()).toEqual([1, 3, 65]);
    expect([...table.values()].sort()).toEqual(['v1', 'v3', 'v65']);
    table.clear();
    expect(table.size).toBe(0);
    expect([...table]).toEqual([]);
  });
});
