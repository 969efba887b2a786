/**
 * The fast path for flat messages gives exactly what protobuf-es gives, both
 * ways — or steps aside (undefined) for anything it does not handle.
 */
import { fromBinary, fromJson, toBinary, toJson, type DescMessage, type JsonValue } from '@bufbuild/protobuf';
import { defineService, unary } from '@interoffice/core';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { bindService } from '../src/proto/binding.js';
import { flatCodec } from '../src/proto/flat-codec.js';

const Flat = defineService('flat.Flat', {
  m: unary({
    input: z.object({
      d: z.number(),
      f: z.float32(),
      i32: z.int32(),
      u32: z.uint32(),
      i64: z.int(),
      b: z.boolean(),
      s: z.string(),
      od: z.number().optional(),
      oi: z.int32().optional(),
      os: z.string().optional(),
      ob: z.boolean().optional(),
    }),
    output: z.number(),
  }),
});
const desc = bindService(Flat).methods.get('m')?.request.desc as DescMessage;
const flat = flatCodec(desc);

const general = {
  encode: (json: unknown) => toBinary(desc, fromJson(desc, json as JsonValue)),
  decode: (bytes: Uint8Array) => toJson(desc, fromBinary(desc, bytes), { alwaysEmitImplicit: true }),
};

function random(seed: number): Record<string, unknown> {
  let x = seed;
  const next = (): number => (x = (x * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const pick = <T>(...vs: T[]): T => vs[Math.floor(next() * vs.length)] as T;
  const v: Record<string, unknown> = {
    d: pick(0, -0.5, 1e300, 5e-324, next() * 1e6 - 5e5),
    f: pick(0, 0.1, -3.5, 16777217),
    i32: pick(0, -1, 2147483647, -2147483648, Math.floor(next() * 1000)),
    u32: pick(0, 1, 4294967295, 300),
    i64: pick(0, -1, 2 ** 53 - 1, -(2 ** 53 - 1), 128),
    b: pick(true, false),
    s: pick('', 'a', 'zażółć 🐢', 'x'.repeat(200)),
  };
  if (next() > 0.5) v.od = pick(0, 1.5);
  if (next() > 0.5) v.oi = pick(0, -7);
  if (next() > 0.5) v.os = pick('', 'set');
  if (next() > 0.5) v.ob = pick(false, true);
  return v;
}

describe('the flat fast path', () => {
  it('covers messages of scalar fields only', () => {
    expect(flat).toMatchObject({ encode: expect.any(Function), decode: expect.any(Function) });
    const Nested = defineService('flat.Nested', {
      m: unary({ input: z.object({ o: z.object({ a: z.number() }) }), output: z.number() }),
    });
    expect(flatCodec(bindService(Nested).methods.get('m')?.request.desc as DescMessage)).toBeUndefined();
  });

  it('encodes and decodes as protobuf-es does, for 500 values with edge cases', () => {
    for (let seed = 1; seed <= 500; seed++) {
      const value = random(seed);
      const bytes = flat?.encode(value);
      expect(bytes).toBeInstanceOf(Uint8Array);
      expect(Buffer.from(bytes as Uint8Array).equals(Buffer.from(general.encode(value)))).toBe(true);
      expect(flat?.decode(bytes as Uint8Array)).toEqual(general.decode(bytes as Uint8Array));
    }
  });

  it('steps aside for what the general path must judge or explain', () => {
    const ok = random(1);
    for (const bad of [
      { ...ok, d: 'NaN' },
      { ...ok, d: Number.NaN },
      { ...ok, i32: 2 ** 31 },
      { ...ok, i64: '5' },
      { ...ok, s: 'a\ud800' },
      { ...ok, extra: 1 },
      [1, 2],
      null,
    ]) {
      expect(flat?.encode(bad)).toBeUndefined();
    }
    const bytes = general.encode(ok);
    expect(flat?.decode(Buffer.concat([bytes, Buffer.from([0xa8, 0x01, 0x01])]))).toBeUndefined(); // an unknown field 21
    expect(flat?.decode(bytes.subarray(0, bytes.length - 1))).toBeUndefined(); // truncated
    expect(flat?.decode(Buffer.from([0x3a, 0x02, 0xc3, 0x28]))).toBeUndefined(); // string s: invalid UTF-8
  });
});
