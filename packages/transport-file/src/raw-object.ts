/**
 * A JSON object held as the text of each member's value: what we change is
 * serialized anew, what we do not is written back byte for byte. Other
 * programs' entries therefore never change under them, not even `2.0` into
 * `2` or a 20-digit integer into a rounded one.
 */
import { toJson } from './json.js';
import { objectMembers } from './scan.js';

interface Slot {
  text: string;
  /** The parsed value, once someone asked for it (or when we made it). */
  value?: unknown;
  parsed: boolean;
}

/** True for a JSON object (not an array, not null). */
export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export class RawObject {
  readonly #slots = new Map<string, Slot>();
  #mutations = 0;

  /**
   * The object whose `{` is at `open` in `text` (valid JSON). `values`, when
   * given, is that object already parsed, so its members are not parsed twice.
   */
  static parse(text: string, open: number, values?: Record<string, unknown>): RawObject {
    const o = new RawObject();
    for (const m of objectMembers(text, open)) {
      const slot: Slot = { text: text.slice(m.start, m.end), parsed: values !== undefined };
      if (values !== undefined) slot.value = values[m.key];
      o.#slots.set(m.key, slot); // a repeated key: the last one wins, as in JSON.parse
    }
    return o;
  }

  /** The text of an object's members, as {@link parse} would read it from `JSON.stringify(value)`. */
  static from(value: Record<string, unknown>): RawObject {
    const o = new RawObject();
    for (const [key, v] of Object.entries(value)) {
      if (v !== undefined) o.#slots.set(key, { text: toJson(v), value: v, parsed: true });
    }
    return o;
  }

  get size(): number {
    return this.#slots.size;
  }

  /** Counts every change, so a caller can tell whether anything needs writing. */
  get mutations(): number {
    return this.#mutations;
  }

  has(key: string): boolean {
    return this.#slots.has(key);
  }

  keys(): IterableIterator<string> {
    return this.#slots.keys();
  }

  /** The member's value text, as found or as set. */
  text(key: string): string | undefined {
    return this.#slots.get(key)?.text;
  }

  /** The member's value, parsed on first use. */
  value(key: string): unknown {
    const slot = this.#slots.get(key);
    if (slot === undefined) return undefined;
    if (!slot.parsed) {
      slot.value = JSON.parse(slot.text);
      slot.parsed = true;
    }
    return slot.value;
  }

  /** Set a member to `value` (serialized now). */
  set(key: string, value: unknown): void {
    this.#slots.set(key, { text: toJson(value), value, parsed: true });
    this.#mutations++;
  }

  /** Set a member to a value's JSON text, as it is. */
  setText(key: string, text: string): void {
    this.#slots.set(key, { text, parsed: false });
    this.#mutations++;
  }

  delete(key: string): boolean {
    const had = this.#slots.delete(key);
    if (had) this.#mutations++;
    return had;
  }

  /** The object as compact JSON text. */
  toText(): string {
    const parts: string[] = [];
    for (const [key, slot] of this.#slots) parts.push(`${JSON.stringify(key)}:${slot.text}`);
    return `{${parts.join(',')}}`;
  }
}
