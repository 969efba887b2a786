/**
 * The calls in flight on one connection, by id: what a `Map` does, for the
 * pattern of every call — ids counting up, each set once and deleted soon.
 *
 * Why not a Map: a Map whose keys keep growing while it stays small keeps
 * reallocating its hash table, and the old tables survive young-generation
 * collections (bench/README.md, "Measured design choices", has the figure).
 * Here a small integer id lives in a slot of two arrays (`id & mask`); any
 * other id (a string, a negative or huge number, null), or one whose slot a
 * long call still holds, goes to an overflow Map, so every id is correct,
 * only the common case is fast.
 */
import type { Id } from './envelope.js';

const FIRST_SLOTS = 64;
const MAX_SLOTS = 4096;

/** Entries `E` by id `K` (any JSON-RPC id, or only numbers). */
export class CallTable<E, K extends Id = Id> implements Iterable<[K, E]> {
  #ids: number[] = new Array<number>(FIRST_SLOTS).fill(-1);
  #entries: (E | undefined)[] = new Array<E | undefined>(FIRST_SLOTS).fill(undefined);
  #mask = FIRST_SLOTS - 1;
  #inSlots = 0;
  readonly #overflow = new Map<K, E>();

  get size(): number {
    return this.#inSlots + this.#overflow.size;
  }

  get(id: K): E | undefined {
    if (isSlotId(id)) {
      const slot = id & this.#mask;
      if (this.#ids[slot] === id) return this.#entries[slot];
    }
    return this.#overflow.size === 0 ? undefined : this.#overflow.get(id);
  }

  has(id: K): boolean {
    return this.get(id) !== undefined;
  }

  /** Add or replace the entry of `id`. */
  set(id: K, entry: E): void {
    if (isSlotId(id)) {
      let slot = id & this.#mask;
      const held = this.#ids[slot] as number;
      if (held === id) {
        this.#entries[slot] = entry;
        return;
      }
      if (held !== -1 && this.#mask + 1 < MAX_SLOTS && this.#inSlots >= (this.#mask + 1) / 4) {
        this.#grow();
        slot = id & this.#mask;
      }
      if (this.#ids[slot] === -1) {
        this.#overflow.delete(id); // had it been there, it is here now
        this.#ids[slot] = id;
        this.#entries[slot] = entry;
        this.#inSlots++;
        return;
      }
    }
    this.#overflow.set(id, entry);
  }

  /** Remove `id`'s entry; true if there was one. */
  delete(id: K): boolean {
    if (isSlotId(id)) {
      const slot = id & this.#mask;
      if (this.#ids[slot] === id) {
        this.#ids[slot] = -1;
        this.#entries[slot] = undefined;
        this.#inSlots--;
        return true;
      }
    }
    return this.#overflow.size !== 0 && this.#overflow.delete(id);
  }

  clear(): void {
    this.#ids.fill(-1);
    this.#entries.fill(undefined);
    this.#inSlots = 0;
    this.#overflow.clear();
  }

  values(): IterableIterator<E> {
    return (function* (all: Iterable<[K, E]>) {
      for (const [, e] of all) yield e;
    })(this);
  }

  /**
   * Every entry, as a Map would give them: entries removed during the
   * iteration are skipped. (Rare: deadlines passing, a connection lost.)
   */
  *[Symbol.iterator](): Iterator<[K, E]> {
    const all: [K, E][] = [];
    for (let slot = 0; slot < this.#ids.length; slot++) {
      const id = this.#ids[slot] as number;
      if (id !== -1) all.push([id as K, this.#entries[slot] as E]);
    }
    all.push(...this.#overflow);
    for (const pair of all) if (this.get(pair[0]) === pair[1]) yield pair;
  }

  /** More slots, so more calls in flight stay on the fast path. */
  #grow(): void {
    const ids = this.#ids;
    const entries = this.#entries;
    const size = ids.length * 2;
    this.#ids = new Array<number>(size).fill(-1);
    this.#entries = new Array<E | undefined>(size).fill(undefined);
    this.#mask = size - 1;
    this.#inSlots = 0;
    for (let slot = 0; slot < ids.length; slot++) {
      const id = ids[slot] as number;
      if (id !== -1) this.set(id as K, entries[slot] as E);
    }
  }
}

/** Ids that fit a slot: non-negative integers `&` keeps exactly (below 2^31). */
function isSlotId(id: unknown): id is number {
  return typeof id === 'number' && (id | 0) === id && id >= 0;
}
