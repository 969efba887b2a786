/**
 * The protobuf mapping of zod types (docs/transports/grpc.md): the .proto
 * text other languages build from, values crossing it unchanged both ways,
 * and a named error for what has no mapping.
 */
import { bytes, defineService, notification, serverStream, unary } from '@interoffice/core';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { protoFileOf, ProtoMappingError } from '../src/index.js';
import { bindService } from '../src/proto/binding.js';

const Shape = z.discriminatedUnion('type', [
  z.object({ type: z.literal('circle'), r: z.number() }),
  z.object({ type: z.literal('square'), side: z.int() }),
]);
const Point = z.object({ x: z.number(), y: z.number() }).meta({ id: 'Point' });

const Everything = z.object({
  n: z.number(),
  i: z.int(),
  small: z.int().min(0).max(100),
  i32: z.int32(),
  u32: z.uint32(),
  f32: z.float32(),
  s: z.string().describe('a string'),
  flag: z.boolean(),
  data: bytes(),
  tags: z.array(z.string()),
  color: z.enum(['red', 'green']),
  maybe: z.number().optional(),
  nothing: z.string().nullable(),
  nested: z.object({ x: z.number(), deeper: z.object({ ok: z.boolean() }) }),
  counts: z.record(z.string(), z.int()),
  points: z.array(Point),
  home: Point,
  shape: Shape,
  snake_case: z.string(),
  anything: z.unknown(),
  size: z.union([z.literal('S'), z.literal('L')]),
  camelCase: z.string(),
});

const Kitchen = defineService('kitchen.v1.Sink', {
  all: unary({ input: Everything, output: z.array(z.int()), description: 'everything at once' }),
  count: serverStream({ input: z.int(), output: z.number().nullable() }),
  ping: notification({ input: z.object({}) }),
  echo: unary({ input: z.string(), output: bytes() }),
});

describe('the .proto of a zod service', () => {
  const text = protoFileOf(Kitchen).text;

  it('has its package, service, and one request and response per method', () => {
    expect(protoFileOf(Kitchen).name).toBe('kitchen/v1/sink.proto');
    expect(text).toContain('package kitchen.v1;');
    // RPCs in PascalCase, each with its own request and response, as buf lint wants.
    expect(text).toContain('  // everything at once\n  rpc All(AllRequest) returns (AllResponse);');
    expect(text).toContain('  rpc Count(CountRequest) returns (stream CountResponse);');
    expect(text).toContain('  rpc Ping(PingRequest) returns (PingResponse);');
    expect(text).toContain('  rpc Echo(EchoRequest) returns (EchoResponse);');
    expect(text).toContain('message AllResponse {\n  repeated int64 value = 1;\n}');
    expect(text).toContain('message CountRequest {\n  int64 value = 1;\n}');
    expect(text).toContain('message CountResponse {\n  oneof optional_value {\n    double value = 1;\n  }\n}');
    expect(text).toContain('message PingResponse {\n}');
    expect(text).toContain('message EchoResponse {\n  bytes value = 1;\n}');
    expect(text).not.toContain('wrappers.proto');
  });

  it('maps each kind of field, numbered in declaration order', () => {
    for (const line of [
      'double n = 1;',
      'int64 i = 2;',
      'int32 small = 3;',
      'int32 i32 = 4;',
      'uint32 u32 = 5;',
      'float f32 = 6;',
      '  // a string\n  string s = 7;',
      'bool flag = 8;',
      'bytes data = 9;',
      'repeated string tags = 10;',
      'AllRequest.Color color = 11;',
      'oneof optional_maybe {\n    double maybe = 12;\n  }',
      'oneof optional_nothing {\n    string nothing = 13;\n  }',
      'AllRequest.Nested nested = 14;',
      'map<string, int64> counts = 15;',
      'repeated Point points = 16;',
      'Point home = 17;',
      'AllRequest.Shape shape = 18;',
      'string snake_case = 19 [json_name = "snake_case"];',
      'string camel_case = 22;', // lower_snake_case, and the JSON name is the zod key camelCase
      'google.protobuf.Value anything = 20;',
      'AllRequest.Size size = 21;',
      'enum Color {\n    COLOR_UNSPECIFIED = 0;\n    red = 1;\n    green = 2;\n  }',
      'oneof type {\n      AllRequest.Shape.Circle circle = 1;\n      AllRequest.Shape.Square square = 2;\n    }',
      'message Point {\n  double x = 1;\n  double y = 2;\n}',
    ]) {
      expect(text).toContain(line);
    }
  });
});

describe('enums', () => {
  const Paint = defineService('paint.v1.Paint', {
    mix: unary({
      input: z.object({ color: z.enum(['red', 'green']), second: z.enum(['blue', 'white']).optional() }),
      output: z.enum(['brown', 'grey']),
    }),
  });
  const m = bindService(Paint).methods.get('mix');

  it('read an absent (zero, *_UNSPECIFIED) value as absent, not as the first zod value', () => {
    // Empty bytes: no field set. Before the zero value, `color` read as 'red'.
    expect(m?.request.decode(new Uint8Array())).toEqual({});
    expect(m?.response.decode(new Uint8Array())).toBeUndefined();
    // red is 1 on the wire now, second (a oneof of one) absent.
    expect(Buffer.from(m?.request.encode({ color: 'red' }) ?? []).toString('hex')).toBe('0801');
    expect(m?.request.decode(m.request.encode({ color: 'green', second: 'blue' }))).toEqual({ color: 'green', second: 'blue' });
  });
});

describe('values crossing the mapping', () => {
  const b = bindService(Kitchen);
  const roundTrip = (method: string, which: 'request' | 'response', value: unknown): unknown => {
    const codec = b.methods.get(method)?.[which];
    if (codec === undefined) throw new Error(`no ${method}`);
    return codec.decode(codec.encode(value));
  };

  it('come back as the same zod wire JSON, zeros and nulls included', () => {
    const value = {
      n: 1.5,
      i: 2 ** 40,
      small: 0,
      i32: -3,
      u32: 4,
      f32: 0.5,
      s: 'ż',
      flag: false,
      data: 'AAEC',
      tags: ['a', 'b'],
      color: 'red',
      nothing: null,
      nested: { x: 0, deeper: { ok: true } },
      counts: { a: 1 },
      points: [{ x: 1, y: 2 }],
      home: { x: 0, y: 0 },
      shape: { type: 'square', side: 7 },
      snake_case: 'x',
      anything: { deep: [1, null, 'x'] },
      size: 'L',
      camelCase: 'c',
    };
    expect(roundTrip('all', 'request', value)).toEqual(value);
    expect(roundTrip('all', 'request', { ...value, maybe: 2, nothing: 'here', shape: { type: 'circle', r: 1 } })).toMatchObject({
      maybe: 2,
      nothing: 'here',
      shape: { type: 'circle', r: 1 },
    });
    expect(roundTrip('all', 'response', [1, 2, 2 ** 50])).toEqual([1, 2, 2 ** 50]);
    expect(roundTrip('count', 'response', null)).toBeNull();
    expect(roundTrip('count', 'response', 0)).toBe(0);
    expect(roundTrip('count', 'request', 12)).toBe(12);
    expect(roundTrip('ping', 'response', undefined)).toBeUndefined();
    expect(roundTrip('echo', 'response', 'AQID')).toBe('AQID');
  });

  it('refuse a value of the wrong type, naming each field', () => {
    const codec = b.methods.get('all')?.request;
    expect(() => codec?.encode({ n: 'one', flag: 'yes', s: 'fine' })).toThrow(
      expect.objectContaining({
        code: 'INVALID_ARGUMENT',
        details: { issues: [expect.objectContaining({ path: ['n'] }), expect.objectContaining({ path: ['flag'] })] },
      }),
    );
  });
});

describe('zod types with no mapping', () => {
  const mapping = (input: z.ZodType): string => {
    try {
      protoFileOf(defineService('bad.Bad', { m: unary({ input, output: z.number() }) }));
      return 'mapped';
    } catch (e) {
      expect(e).toBeInstanceOf(ProtoMappingError);
      return (e as Error).message;
    }
  };

  it('are refused with the field’s path and what to do instead', () => {
    expect(mapping(z.object({ when: z.date() }))).toBe(
      'bad.Bad.m input.when: z.date() has no protobuf mapping (dates are not JSON: use z.iso.datetime(), a string)',
    );
    expect(mapping(z.object({ pair: z.tuple([z.string(), z.number()]) }))).toMatch(
      /^bad\.Bad\.m input\.pair: z\.tuple\(\) has no protobuf mapping \(use an object/,
    );
    expect(mapping(z.object({ either: z.union([z.string(), z.number()]) }))).toMatch(
      /input\.either: a union has no protobuf mapping unless it is discriminated/,
    );
    expect(mapping(z.object({ grid: z.array(z.array(z.number())) }))).toMatch(/input\.grid\[\]: arrays of arrays/);
    expect(mapping(z.object({ 'x-y': z.string() }))).toMatch(/input\.x-y: "x-y" is not a valid protobuf field name/);
    // Names that would collide once written as protobuf wants them.
    expect(mapping(z.object({ zipCode: z.string(), zip_code: z.string() }))).toMatch(
      /"zip_code" and another key are both the protobuf field zip_code/,
    );
    expect(mapping(z.object({ note: z.string().optional(), optional_note: z.string() }))).toMatch(
      /optional_note has the name of the oneof/,
    );
    const io = { input: z.object({}), output: z.number() };
    expect(() => protoFileOf(defineService('bad.Two', { getX: unary(io), get_x: unary(io) }))).toThrow(
      /bad\.Two\.get_x: another method is also the RPC GetX/,
    );
    expect(mapping(z.object({ big: z.bigint() }))).toMatch(
      /input\.big: z\.bigint\(\) has no protobuf mapping \(bigints are not JSON/,
    );
    expect(mapping(z.object({ holes: z.array(z.number().optional()) }))).toMatch(
      /input\.holes\[\]: array elements cannot be optional/,
    );
    expect(mapping(z.object({ e: z.enum(['a-b']) }))).toMatch(
      /input\.e: enum values must be strings that are protobuf identifiers/,
    );
  });

  it('include a union member of another type in an otherwise mappable nested field', () => {
    expect(mapping(z.object({ outer: z.object({ inner: z.array(z.object({ v: z.map(z.string(), z.number()) })) }) }))).toBe(
      'bad.Bad.m input.outer.inner[].v: z.map() has no protobuf mapping',
    );
  });
});
