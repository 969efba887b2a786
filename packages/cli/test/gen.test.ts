/**
 * `interoffice gen`, run as a real process: .proto → TypeScript that runs
 * over every transport; a zod service → a .proto that buf accepts and that
 * describes exactly what the gRPC transport serves; `--check` for stale
 * committed output.
 */
import { Validator } from '@seriousme/openapi-schema-validator';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { create, createFileRegistry, fromBinary, type DescMessage } from '@bufbuild/protobuf';
import { FileDescriptorSetSchema } from '@bufbuild/protobuf/wkt';
import {
  connect,
  createClient,
  implement,
  memoryTransport,
  rawCall,
  RpcError,
  serve,
  type Schema,
  type ServiceDescriptor,
} from '@interoffice/core';
import { grpcTransport, type GrpcChannel } from '@interoffice/transport-grpc';
import { beforeAll, describe, expect, it } from 'vitest';
import { cli, fixtures, repo, tmp } from './helpers.js';

const packageDir = new URL('../', import.meta.url).pathname;

function files(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)))
    .sort();
}

describe('gen: .proto → TypeScript', () => {
  let out: string;
  beforeAll(async () => {
    out = tmp();
    symlinkSync(join(packageDir, 'node_modules'), join(out, 'node_modules')); // so the generated code finds core and zod
    writeFileSync(join(out, 'package.json'), '{ "type": "module" }\n');
    const r = await cli(['gen', join(fixtures, 'proto'), '--out', out]);
    expect(r).toMatchObject({ status: 0, stderr: '' });
  });

  it('writes ts-proto’s message types and Interoffice’s service descriptors, for the files asked and the types they import', () => {
    expect(files(out).filter((f) => !f.startsWith('node_modules') && f !== 'package.json')).toEqual([
      'google/protobuf/empty.ts',
      'google/protobuf/struct.ts',
      'google/protobuf/timestamp.ts',
      'google/protobuf/wrappers.ts',
      'rich/v1/common.interoffice.ts',
      'rich/v1/common.ts',
      'rich/v1/rich.interoffice.ts',
      'rich/v1/rich.ts',
    ]);
    const text = readFileSync(join(out, 'rich/v1/rich.interoffice.ts'), 'utf8');
    expect(text).toContain('Echo: unary({ input: ThingSchema, output: ThingSchema, description: "Echo a thing back." }),');
    expect(text).toContain('List: serverStream({ input: EmptySchema, output: ThingSchema');
    expect(text).toContain('Upload: clientStream({ input: ThingSchema, output: EmptySchema');
    expect(text).not.toMatch(/\bany\b/); // ts-proto's files have `any`; ours do not
  });

  it('type-checks under the repository’s strict settings', () => {
    writeFileSync(
      join(out, 'tsconfig.json'),
      JSON.stringify({
        extends: join(repo, 'tsconfig.base.json'),
        compilerOptions: {
          typeRoots: [join(repo, 'node_modules/@types')],
          noEmit: true,
          composite: false,
          declaration: false,
          declarationMap: false,
          rootDir: '.',
        },
        include: ['**/*.ts'],
        exclude: ['node_modules'],
      }),
    );
    const run = (): string => {
      try {
        return execFileSync(join(repo, 'node_modules/.bin/tsc'), ['-p', join(out, 'tsconfig.json')], {
          encoding: 'utf8',
          stdio: 'pipe',
        });
      } catch (e) {
        return String((e as { stdout?: string }).stdout);
      }
    };
    expect(run()).toBe('');
  });

  it('runs over a JSON transport and over gRPC alike, with proto3 JSON checked on the way in', async () => {
    const mod = (await import(join(out, 'rich/v1/rich.interoffice.ts'))) as { Rich: ServiceDescriptor; ThingSchema: Schema };
    const Rich = mod.Rich as ServiceDescriptor<Record<string, never>>;
    const kept: unknown[] = [];
    const impl = implement(mod.Rich, {
      Echo: (thing: unknown) => {
        kept.push(thing);
        return thing;
      },
      List: async function* () {
        yield* kept;
      },
      Clear: () => {
        kept.length = 0;
        return {};
      },
      Upload: async (things: AsyncIterable<unknown>) => {
        for await (const t of things) kept.push(t);
        return {};
      },
    } as never);
    const thing = { ...sampleThing(), number: undefined };
    for (const [url, transports] of [
      ['memory://rich', [memoryTransport()]],
      ['grpc://127.0.0.1:0', [grpcTransport()]],
    ] as const) {
      kept.length = 0;
      const server = await serve(impl, { listen: [url], transports: [...transports] });
      const channel = await connect((server.urls[0] as URL).href, { transports: [...transports] });
      try {
        const client = createClient(Rich, channel) as unknown as Record<
          string,
          (input: unknown, o?: unknown) => Promise<unknown> & AsyncIterable<unknown>
        >;
        expect(await client.Echo?.(thing)).toEqual({ ...thing, number: undefined });
        const listed: unknown[] = [];
        for await (const t of (client.List as (i: unknown) => AsyncIterable<unknown>)({})) listed.push(t);
        expect(listed).toHaveLength(1);
        expect(await client.Clear?.({})).toEqual({});
        // A JSON caller, by name: proto3 JSON in and out, checked.
        const json = url.startsWith('memory')
          ? await rawCall(channel, 'rich.v1.Rich.Echo', { big: '12', color: 'COLOR_RED', at: '2026-01-02T03:04:05Z' })
          : undefined;
        if (json !== undefined) expect(json).toMatchObject({ big: 12, color: 'COLOR_RED', at: '2026-01-02T03:04:05.000Z' });
        const bad = await rawCall(channel, 'rich.v1.Rich.Echo', { big: 'many', color: 'PURPLE' }).catch((e: unknown) => e);
        expect(bad).toBeInstanceOf(RpcError);
        expect((bad as RpcError).code).toBe('INVALID_ARGUMENT');
        expect(((bad as RpcError).details as { issues: { path: unknown[] }[] }).issues.map((i) => i.path[0]).sort()).toEqual([
          'big',
          'color',
        ]);
        // A number that is not one reads alike on both (#19.3: JSON said `must match pattern /^-?\d+…/`).
        const notNumber = await rawCall(channel, 'rich.v1.Rich.Echo', { fl: 'two', u: 'three', tags: ['a', 7] }).catch(
          (e: unknown) => e,
        );
        expect(((notNumber as RpcError).details as { issues: unknown[] }).issues).toEqual([
          { path: ['u'], message: 'Invalid input: expected number, received string', code: expect.any(String) },
          { path: ['fl'], message: 'Invalid input: expected number, received string', code: expect.any(String) },
          { path: ['tags', 1], message: 'Invalid input: expected string, received number', code: expect.any(String) },
        ]);
      } finally {
        await channel.close();
        await server.close({ graceMs: 0 });
      }
    }
    // A handler's output that is not a Thing is caught on the way out.
    const schema = mod.ThingSchema;
    expect(schema.encode({ ...thing, big: 'not a number' }).success).toBe(false);
    expect(schema.fields?.slice(0, 3)).toEqual(['big', 'u', 's']);
  });

  it('writes the same bytes every time (reproducible), and --check says so', async () => {
    const again = tmp();
    expect((await cli(['gen', join(fixtures, 'proto'), '--out', again])).status).toBe(0);
    for (const f of files(again)) expect(readFileSync(join(again, f), 'utf8')).toBe(readFileSync(join(out, f), 'utf8'));
    expect(await cli(['gen', join(fixtures, 'proto'), '--out', again, '--check'])).toMatchObject({ status: 0, stderr: '' });
    writeFileSync(join(again, 'rich/v1/rich.interoffice.ts'), '// edited by hand\n');
    const stale = await cli(['gen', join(fixtures, 'proto'), '--out', again, '--check']);
    expect(stale.status).toBe(1);
    expect(stale.stderr).toContain(`stale: ${join(again, 'rich/v1/rich.interoffice.ts')}`);
  });
});

function emptyThing(): Record<string, unknown> {
  return {
    big: 0,
    u: 0,
    s: 0,
    f64: 0,
    fl: 0,
    data: new Uint8Array(),
    tags: [],
    counts: {},
    byId: {},
    inner: undefined,
    color: 0,
    size: 0,
    maybe: undefined,
    text: undefined,
    number: undefined,
    at: undefined,
    wrapped: undefined,
    extra: undefined,
    anyValue: undefined,
    snakeName: '',
    child: undefined,
    label: undefined,
  };
}

/** A Thing with every kind of field set (the oneof on `text`), as both directions' tests send it. */
function sampleThing(): Record<string, unknown> {
  return {
    big: 2 ** 40,
    u: 7,
    s: -3,
    f64: 9,
    fl: 0.5,
    data: new Uint8Array([0, 1, 255]),
    tags: ['a', 'b'],
    counts: { x: 1 },
    byId: { 5: { name: 'five' } },
    inner: { name: 'in' },
    color: 1,
    size: 1,
    maybe: 'here',
    text: 'chosen',
    at: new Date('2026-01-02T03:04:05.006Z'),
    wrapped: 42,
    extra: { deep: [1, 'two', null] },
    anyValue: 'anything',
    snakeName: 'snake',
    child: { ...emptyThing(), big: 1 },
    label: { text: 'labelled' },
  };
}

describe('gen --grpc-js: ts-proto’s binary stubs for bare @grpc/grpc-js', () => {
  let out: string;
  beforeAll(async () => {
    out = tmp();
    // The generated code's imports: core and zod (as above), @bufbuild/protobuf/wire, and @grpc/grpc-js (a bare user's dependency, not the CLI's).
    const modules = join(out, 'node_modules');
    mkdirSync(join(modules, '@grpc'), { recursive: true });
    for (const name of readdirSync(join(packageDir, 'node_modules')))
      symlinkSync(join(packageDir, 'node_modules', name), join(modules, name));
    const transportGrpc = createRequire(join(packageDir, 'node_modules/@interoffice/transport-grpc/package.json'));
    symlinkSync(dirname(transportGrpc.resolve('@grpc/grpc-js/package.json')), join(modules, '@grpc/grpc-js'));
    writeFileSync(join(out, 'package.json'), '{ "type": "module" }\n');
    const r = await cli(['gen', join(fixtures, 'proto'), '--out', out, '--grpc-js']);
    expect(r).toMatchObject({ status: 0, stderr: '' });
  });

  it('writes them under grpc-js/, beside the usual output and importing only each other, the wire runtime and grpc-js', () => {
    const written = files(out).filter((f) => !f.startsWith('node_modules') && f !== 'package.json');
    expect(written.filter((f) => f.startsWith('grpc-js/'))).toEqual([
      'grpc-js/google/protobuf/empty.ts',
      'grpc-js/google/protobuf/struct.ts',
      'grpc-js/google/protobuf/timestamp.ts',
      'grpc-js/google/protobuf/wrappers.ts',
      'grpc-js/rich/v1/common.ts',
      'grpc-js/rich/v1/rich.ts',
    ]);
    expect(written).toContain('rich/v1/rich.ts'); // the JSON-only types are still there, unchanged
    expect(readFileSync(join(out, 'rich/v1/rich.ts'), 'utf8')).not.toContain('@bufbuild/protobuf/wire');
    const text = readFileSync(join(out, 'grpc-js/rich/v1/rich.ts'), 'utf8');
    const imports = [...text.matchAll(/^import[^;]*? from "([^"]+)";/gms)].map((m) => m[1]).sort();
    expect(imports).toEqual([
      '../../google/protobuf/empty.js',
      '../../google/protobuf/struct.js',
      '../../google/protobuf/timestamp.js',
      '../../google/protobuf/wrappers.js',
      './common.js',
      '@bufbuild/protobuf/wire',
      '@grpc/grpc-js',
    ]);
    expect(text).toContain('export const RichService = {');
    expect(text).toContain('export const RichClient = makeGenericClientConstructor(');
  });

  it('type-checks under the repository’s strict settings', () => {
    writeFileSync(
      join(out, 'tsconfig.json'),
      JSON.stringify({
        extends: join(repo, 'tsconfig.base.json'),
        compilerOptions: {
          typeRoots: [join(repo, 'node_modules/@types')],
          noEmit: true,
          composite: false,
          declaration: false,
          declarationMap: false,
          rootDir: '.',
        },
        include: ['**/*.ts'],
        exclude: ['node_modules'],
      }),
    );
    let output = '';
    try {
      execFileSync(join(repo, 'node_modules/.bin/tsc'), ['-p', join(out, 'tsconfig.json')], { encoding: 'utf8', stdio: 'pipe' });
    } catch (e) {
      output = String((e as { stdout?: string }).stdout);
    }
    expect(output).toBe('');
  });

  it('round-trips a message through encode/decode, and the generated grpc-js client calls an Interoffice gRPC server', async () => {
    type Fns = { encode(m: unknown): { finish(): Uint8Array }; decode(b: Uint8Array): unknown; fromPartial(m: unknown): unknown };
    const bare = (await import(join(out, 'grpc-js/rich/v1/rich.ts'))) as {
      Thing: Fns;
      RichClient: new (
        address: string,
        credentials: unknown,
      ) => { echo(m: unknown, cb: (e: Error | null, r: unknown) => void): void; close(): void };
    };
    const thing = { ...emptyThing(), ...sampleThing() };
    const bytes = bare.Thing.encode(thing).finish();
    expect(bytes).toBeInstanceOf(Uint8Array);
    expect(bare.Thing.decode(bytes)).toEqual(thing);
    expect(bare.Thing.decode(bare.Thing.encode(bare.Thing.fromPartial({})).finish())).toEqual(bare.Thing.fromPartial({}));
    // The same bytes on the wire as the gRPC transport's: a bare client and an Interoffice server understand each other.
    const { Rich } = (await import(join(out, 'rich/v1/rich.interoffice.ts'))) as { Rich: ServiceDescriptor };
    const server = await serve(
      implement(Rich, {
        Echo: (t: unknown) => t,
        List: async function* () {},
        Clear: () => ({}),
        Upload: async () => ({}),
      } as never),
      {
        listen: ['grpc://127.0.0.1:0'],
        transports: [grpcTransport()],
      },
    );
    const grpc = createRequire(join(out, 'package.json'))('@grpc/grpc-js') as { credentials: { createInsecure(): unknown } };
    const client = new bare.RichClient((server.urls[0] as URL).host, grpc.credentials.createInsecure());
    try {
      const echoed = await new Promise<{ data: Uint8Array }>((resolve, reject) =>
        client.echo(thing, (e, r) => (e ? reject(e) : resolve(r as { data: Uint8Array }))),
      );
      // grpc-js hands decode a Buffer, so bytes fields come back as Buffers (views of it): equal bytes.
      expect({ ...echoed, data: new Uint8Array(echoed.data) }).toEqual(thing);
    } finally {
      client.close();
      await server.close({ graceMs: 0 });
    }
  });

  it('--check covers them: it passes when they are current, and names them when they are stale or missing', async () => {
    expect(await cli(['gen', join(fixtures, 'proto'), '--out', out, '--grpc-js', '--check'])).toMatchObject({
      status: 0,
      stderr: '',
    });
    const edited = join(out, 'grpc-js/rich/v1/rich.ts');
    const before = readFileSync(edited, 'utf8');
    writeFileSync(edited, before.replace('writer.uint32(8).int64(message.big)', 'writer.uint32(8).int64(message.big + 1)'));
    try {
      const stale = await cli(['gen', join(fixtures, 'proto'), '--out', out, '--grpc-js', '--check']);
      expect(stale.status).toBe(1);
      expect(stale.stderr).toContain(`stale: ${edited}\n`);
      expect(stale.stderr).toContain(
        `1 generated file(s) differ: run interoffice gen ${join(fixtures, 'proto')} --out ${out} --grpc-js`,
      );
    } finally {
      writeFileSync(edited, before);
    }
    // Output generated without the flag lacks them: --check --grpc-js names every one.
    const plain = tmp();
    expect((await cli(['gen', join(fixtures, 'proto'), '--out', plain])).status).toBe(0);
    const missing = await cli(['gen', join(fixtures, 'proto'), '--out', plain, '--grpc-js', '--check']);
    expect(missing.status).toBe(1);
    expect(
      missing.stderr
        .split('\n')
        .filter((l) => l.startsWith('stale: '))
        .sort(),
    ).toEqual(files(join(out, 'grpc-js')).map((f) => `stale: ${join(plain, 'grpc-js', f)}`));
  });

  it('is for .proto input only', async () => {
    const r = await cli(['gen', join(fixtures, 'service.mjs'), '--out', tmp(), '--grpc-js']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('--grpc-js is for .proto input');
  });
});

describe('gen: what it cannot do', () => {
  it('refuses google.protobuf.Duration and Any fields, naming them (ts-proto’s JSON for them is not proto3 JSON)', async () => {
    const dir = tmp();
    execFileSync('mkdir', ['-p', join(dir, 'd/v1')]);
    writeFileSync(join(dir, 'buf.yaml'), 'version: v2\n');
    writeFileSync(
      join(dir, 'd/v1/d.proto'),
      'syntax = "proto3";\npackage d.v1;\nimport "google/protobuf/duration.proto";\nmessage Job { google.protobuf.Duration took = 1; }\n',
    );
    const r = await cli(['gen', dir, '--out', tmp()]);
    expect([r.status, r.stderr]).toEqual([
      1,
      expect.stringContaining('d.v1.Job.took: google.protobuf.Duration is not supported by interoffice gen'),
    ]);
  });
});

describe('gen: committed output', () => {
  // The bench's bare gRPC row runs ts-proto's grpc-js stubs, so its copy is generated with --grpc-js.
  for (const [out, flags] of [
    ['examples/calculator/src/gen', []],
    ['bench/src/gen', ['--grpc-js']],
  ] as const) {
    it(`${out} is what proto/ generates${flags.length > 0 ? ` with ${flags.join(' ')}` : ''} (CI fails when it is stale)`, async () => {
      const r = await cli(['gen', 'proto', '--out', out, ...flags, '--check']);
      expect(r).toMatchObject({ status: 0, stderr: '' });
    });
  }
});

describe('gen: a zod service → .proto and OpenRPC', () => {
  it('writes both, and buf compiles the .proto to exactly what the gRPC transport serves', async () => {
    const out = tmp();
    const r = await cli([
      'gen',
      join(fixtures, 'service.mjs'),
      '--service',
      'kitchen.v1.Sink',
      '--service',
      'calc.Calculator',
      '--out',
      out,
    ]);
    expect(r.status).toBe(0);
    expect(files(out)).toEqual([
      'calc/calculator.openapi.json',
      'calc/calculator.openrpc.json',
      'calc/calculator.proto',
      'kitchen/v1/sink.openapi.json',
      'kitchen/v1/sink.openrpc.json',
      'kitchen/v1/sink.proto',
    ]);
    const doc = JSON.parse(readFileSync(join(out, 'calc/calculator.openrpc.json'), 'utf8')) as { methods: { name: string }[] };
    expect(doc.methods.map((m) => m.name)).toContain('calc.Calculator.add');
    // The OpenAPI document is valid OpenAPI 3.1, with a POST route per method.
    const api = JSON.parse(readFileSync(join(out, 'calc/calculator.openapi.json'), 'utf8')) as { paths: Record<string, object> };
    const validation = await new Validator().validate(api);
    expect(validation.errors ?? []).toEqual([]);
    expect(validation.valid).toBe(true);
    expect(api.paths['/calc.Calculator.add']).toHaveProperty('post');
    // buf (from npm) compiles what was exported...
    const buf = createRequire(join(packageDir, 'package.json')).resolve('@bufbuild/buf/bin/buf');
    writeFileSync(join(out, 'buf.yaml'), 'version: v2\n');
    const image = execFileSync(process.execPath, [buf, 'build', out, '--exclude-source-info', '-o', '-#format=binpb']);
    const compiled = createFileRegistry(fromBinary(FileDescriptorSetSchema, image));
    // ...and a server of the same services describes the same messages, field by field.
    const { Kitchen, Calculator } = (await import(join(fixtures, 'service.mjs'))) as Record<string, ServiceDescriptor>;
    const handlers = (s: ServiceDescriptor) => Object.fromEntries(Object.keys(s.methods).map((m) => [m, () => undefined]));
    const server = await serve(
      [
        implement(Kitchen as ServiceDescriptor, handlers(Kitchen as ServiceDescriptor) as never),
        implement(Calculator as ServiceDescriptor, handlers(Calculator as ServiceDescriptor) as never),
      ],
      {
        listen: ['grpc://127.0.0.1:0'],
        transports: [grpcTransport()],
      },
    );
    const channel = (await connect((server.urls[0] as URL).href, { transports: [grpcTransport()] })) as GrpcChannel;
    try {
      const served = await channel.reflection();
      let compared = 0;
      for (const service of served.services.filter((s) => !s.typeName.startsWith('grpc.'))) {
        const exported = compiled.getService(service.typeName);
        expect(exported?.methods.map((m) => [m.name, m.methodKind, m.input.typeName, m.output.typeName])).toEqual(
          service.methods.map((m) => [m.name, m.methodKind, m.input.typeName, m.output.typeName]),
        );
        for (const m of service.methods) {
          for (const [a, b] of [[m.input, exported?.methods.find((x) => x.name === m.name)?.input]] as const) {
            expect(shape(b)).toEqual(shape(a));
            compared++;
          }
        }
      }
      expect(compared).toBe(
        Object.keys((Kitchen as ServiceDescriptor).methods).length +
          Object.keys((Calculator as ServiceDescriptor).methods).length,
      );
    } finally {
      await channel.close();
      await server.close({ graceMs: 0 });
    }
    void create;
  });

  it('refuses a zod type with no mapping, naming the field', async () => {
    const r = await cli(['gen', join(fixtures, 'service.mjs'), '--service', 'Dated', '--out', tmp()]);
    expect([r.status, r.stderr]).toEqual([
      1,
      'error: calc.Dated.when input.at: z.date() has no protobuf mapping (dates are not JSON: use z.iso.datetime(), a string)\n',
    ]);
  });
});

/** A message's structure, recursively: what must match for two peers to understand each other. */
function shape(m: DescMessage | undefined, seen = new Set<string>()): unknown {
  if (m === undefined) return undefined;
  if (seen.has(m.typeName)) return m.typeName;
  seen.add(m.typeName);
  return {
    name: m.typeName,
    fields: m.fields.map((f) => ({
      name: f.name,
      number: f.number,
      json: f.jsonName,
      kind: f.fieldKind,
      scalar: f.scalar,
      presence: f.presence,
      oneof: f.oneof?.name,
      message:
        f.fieldKind === 'message'
          ? shape(f.message, seen)
          : f.fieldKind === 'list' && f.listKind === 'message'
            ? shape(f.message, seen)
            : undefined,
      enum: f.fieldKind === 'enum' ? f.enum.values.map((v) => v.name) : undefined,
    })),
  };
}
