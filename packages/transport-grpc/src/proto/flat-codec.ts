/**
 * A fast path for the commonest messages on the wire — a few scalar fields
 * (`Operands { double a; double b; }`, google.protobuf wrappers): encoded
 * and decoded directly between JSON and bytes, with the same result as the
 * general path. Anything unusual (a value of the wrong type, NaN, a tag it
 * does not expect) returns undefined, and the general path takes over and
 * says what is wrong.
 */
import { ScalarType, type DescMessage } from '@bufbuild/protobuf';
import { read, sizeOf, write } from './flat-wire.js';

interface Field {
  readonly number: number;
  readonly json: string;
  readonly type: ScalarType;
  /** Explicit presence (`optional`): absent stays absent; otherwise absent reads as the default. */
  readonly explicit: boolean;
  readonly tag: number;
  readonly zero: unknown;
}

/** Encodes and decodes one flat message; undefined means "take the general path". */
export interface FlatCodec {
  encode(json: unknown): Uint8Array | undefined;
  decode(bytes: Uint8Array): Record<string, unknown> | undefined;
}

const WIRE: Partial<Record<ScalarType, number>> = {
  [ScalarType.DOUBLE]: 1,
  [ScalarType.FLOAT]: 5,
  [ScalarType.INT32]: 0,
  [ScalarType.UINT32]: 0,
  [ScalarType.INT64]: 0,
  [ScalarType.UINT64]: 0,
  [ScalarType.BOOL]: 0,
  [ScalarType.STRING]: 2,
};

const zeroOf = (t: ScalarType): unknown =>
  t === ScalarType.BOOL ? false : t === ScalarType.STRING ? '' : t === ScalarType.INT64 || t === ScalarType.UINT64 ? '0' : 0;
// With the u flag a surrogate pair is one code point, so this matches only lone halves (not UTF-8).
const loneSurrogate = /\p{Cs}/u;

/** The flat codec of `desc`, or undefined when it has fields of other kinds. */
export function flatCodec(desc: DescMessage): FlatCodec | undefined {
  const fields: Field[] = [];
  for (const f of desc.fields) {
    // A oneof of one field is how the mapping writes an optional field (explicit presence, as proto3 `optional`).
    if (f.fieldKind !== 'scalar' || (f.oneof !== undefined && f.oneof.fields.length !== 1)) return undefined;
    const wire = WIRE[f.scalar];
    if (wire === undefined || f.number > 15) return undefined;
    fields.push({
      number: f.number,
      json: f.jsonName,
      type: f.scalar,
      explicit: f.presence === 1 || f.oneof !== undefined,
      tag: (f.number << 3) | wire,
      zero: zeroOf(f.scalar),
    });
  }
  const byNumber = new Map(fields.map((f) => [f.number, f]));
  return {
    encode(json) {
      if (typeof json !== 'object' || json === null || Array.isArray(json)) return undefined;
      const values = json as Record<string, unknown>;
      let known = 0;
      let size = 0;
      const parts: [Field, number | string | boolean][] = [];
      for (const f of fields) {
        const v = values[f.json];
        if (v === undefined || v === null) continue;
        known++;
        const ok = check(f.type, v);
        if (ok === undefined) return undefined;
        if (!f.explicit && (ok === 0 || ok === false || ok === '')) continue; // proto3 leaves defaults out
        parts.push([f, ok]);
        size += 1 + sizeOf(f.type, ok);
      }
      for (const k in values) if (values[k] !== undefined && values[k] !== null) known--;
      if (known !== 0) return undefined; // a key the message does not have
      const out = Buffer.allocUnsafe(size);
      let o = 0;
      for (const [f, v] of parts) {
        out[o++] = f.tag;
        o = write(out, o, f.type, v);
      }
      return out;
    },
    decode(bytes) {
      const buf = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      const out: Record<string, unknown> = {};
      let o = 0;
      try {
        while (o < buf.length) {
          const f = byNumber.get((buf[o] as number) >> 3);
          if (f === undefined || buf[o] !== f.tag) return undefined;
          o++;
          let v: unknown;
          [v, o] = read(buf, o, f.type);
          if (v === undefined) return undefined;
          out[f.json] = v;
        }
      } catch {
        return undefined;
      }
      if (o !== buf.length) return undefined;
      for (const f of fields) if (!f.explicit && !(f.json in out)) out[f.json] = f.zero;
      return out;
    },
  };
}

/** The value to write, or undefined when the general path should judge it. */
function check(type: ScalarType, v: unknown): number | string | boolean | undefined {
  switch (type) {
    case ScalarType.DOUBLE:
    case ScalarType.FLOAT:
      return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
    case ScalarType.INT32:
      return typeof v === 'number' && Number.isInteger(v) && v >= -0x80000000 && v <= 0x7fffffff ? v : undefined;
    case ScalarType.UINT32:
      return typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 0xffffffff ? v : undefined;
    case ScalarType.INT64:
      return typeof v === 'number' && Number.isSafeInteger(v) ? v : undefined;
    case ScalarType.UINT64:
      return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 ? v : undefined;
    case ScalarType.BOOL:
      return typeof v === 'boolean' ? v : undefined;
    case ScalarType.STRING:
      return typeof v === 'string' && !loneSurrogate.test(v) ? v : undefined;
    default:
      return undefined;
  }
}
