/**
 * The inspector's forms, without the page: what control each part of a
 * JSON Schema gets, and how the values typed into them become params.
 * Imports nothing: the page loads this very module in the browser.
 */

type Json = Record<string, unknown>;

/** One control of a form, or a group of them. */
export type Field =
  | { readonly kind: 'number'; readonly integer: boolean }
  | { readonly kind: 'string' }
  | { readonly kind: 'boolean' }
  | { readonly kind: 'enum'; readonly options: readonly unknown[] }
  | { readonly kind: 'object'; readonly members: readonly Member[] }
  /** Anything a control cannot hold (arrays, unions, maps): typed as JSON. */
  | { readonly kind: 'json'; readonly hint: string };

export interface Member {
  readonly name: string;
  readonly required: boolean;
  readonly description?: string;
  readonly field: Field;
}

/** What the page read from a field's controls: text, a checkbox, a chosen option's index, or members. */
export type Typed = string | boolean | number | { readonly [name: string]: Typed };

/** A value the form cannot turn into params, with where it is (`a.b`). */
export class FormError extends Error {}

function hint(schema: Json): string {
  if (schema.type === 'array') return 'a JSON array, e.g. [1, 2]';
  if (schema.type === 'object') return 'a JSON object, e.g. {"key": "value"}';
  return 'JSON';
}

/** The control for `schema`. */
export function fieldOf(schema: Json | undefined, depth = 0): Field {
  const s = schema ?? {};
  if (Array.isArray(s.enum)) return { kind: 'enum', options: s.enum };
  if ('const' in s) return { kind: 'enum', options: [s.const] };
  const union = (s.anyOf ?? s.oneOf) as Json[] | undefined;
  if (Array.isArray(union)) {
    // `T | null` (zod's nullable): T's control; anything else is JSON.
    const other = union.filter((u) => u.type !== 'null');
    if (other.length === 1 && other.length < union.length) return fieldOf(other[0], depth);
    if (union.every((u) => 'const' in u)) return { kind: 'enum', options: union.map((u) => u.const) };
    return { kind: 'json', hint: 'JSON' };
  }
  switch (s.type) {
    case 'number':
      return { kind: 'number', integer: false };
    case 'integer':
      return { kind: 'number', integer: true };
    case 'string':
      return { kind: 'string' };
    case 'boolean':
      return { kind: 'boolean' };
    case 'object': {
      const properties = s.properties as Record<string, Json> | undefined;
      if (properties === undefined || depth > 4) return { kind: 'json', hint: hint(s) };
      const required = new Set((s.required ?? []) as string[]);
      return {
        kind: 'object',
        members: Object.entries(properties).map(([name, p]) => ({
          name,
          required: required.has(name),
          ...(typeof p.description === 'string' ? { description: p.description } : {}),
          field: fieldOf(p, depth + 1),
        })),
      };
    }
    default:
      return { kind: 'json', hint: hint(s) };
  }
}

/**
 * The params the typed values make: numbers from number fields, the chosen
 * option of an enum, objects of their members (optional members left empty
 * are left out). Throws a FormError naming the field that does not hold.
 */
export function valueFrom(field: Field, typed: Typed | undefined, at = 'params'): unknown {
  switch (field.kind) {
    case 'number': {
      const text = String(typed ?? '').trim();
      if (text === '') return undefined;
      const n = Number(text);
      if (!Number.isFinite(n)) throw new FormError(`${at}: ${JSON.stringify(text)} is not a number`);
      if (field.integer && !Number.isInteger(n)) throw new FormError(`${at}: ${text} is not a whole number`);
      return n;
    }
    case 'string':
      return typed === undefined ? undefined : String(typed);
    case 'boolean':
      return typed === true;
    case 'enum':
      return typeof typed === 'number' ? field.options[typed] : undefined;
    case 'json': {
      const text = String(typed ?? '').trim();
      if (text === '') return undefined;
      try {
        return JSON.parse(text);
      } catch {
        throw new FormError(`${at}: not JSON (${field.hint})`);
      }
    }
    case 'object': {
      const members = (typeof typed === 'object' ? typed : {}) as { readonly [name: string]: Typed };
      const out: Record<string, unknown> = {};
      for (const m of field.members) {
        const v = valueFrom(m.field, members[m.name], `${at}.${m.name}`);
        // An optional string left empty is left out; a required one is sent as typed ('').
        if (v === undefined || (v === '' && !m.required)) continue;
        out[m.name] = v;
      }
      return out;
    }
  }
}
