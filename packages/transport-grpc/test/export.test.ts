/**
 * A zod service's exported .proto, on the toolchain the Python guide installs:
 * Debian's grpc_tools (protoc 3.5.1, which refuses proto3 `optional`) compiles
 * it, buf lint (STANDARD, less the rules that would rename what JSON carries)
 * passes it, and a Python grpcio client built from it calls the served service.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { defineService, implement, unary } from '@interoffice/core';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { protoFileOf } from '../src/index.js';
import { cleanup, serveGrpc } from './helpers.js';

const run = promisify(execFile);
const python = '/usr/bin/python3';
const here = dirname(fileURLToPath(import.meta.url));

const Shop = defineService('shop.v1.Shop', {
  order: unary({
    input: z.object({
      customer: z.string(),
      size: z.enum(['SMALL', 'LARGE']),
      note: z.string().optional(),
      address: z.object({ city: z.string(), zipCode: z.string() }),
    }),
    output: z.object({ id: z.int(), size: z.enum(['SMALL', 'LARGE']), note: z.string().optional(), echo: z.string() }),
  }),
  total: unary({ input: z.object({ customer: z.string() }), output: z.number() }),
});

const shopImpl = implement(Shop, {
  order: (o) => ({ id: 7, size: o.size, ...(o.note === undefined ? {} : { note: o.note }), echo: JSON.stringify(o) }),
  total: () => 12.5,
});

/** buf, from the @bufbuild/buf the CLI depends on (its platform package is here too). */
function bufBin(): string {
  const require = createRequire(join(here, '../../cli/package.json'));
  return require.resolve('@bufbuild/buf/bin/buf');
}

afterEach(cleanup);

describe('the exported .proto of a zod service with optional fields, enums and nested messages', () => {
  const dir = mkdtempSync(join(tmpdir(), 'io-export-'));
  const file = protoFileOf(Shop);
  mkdirSync(join(dir, 'proto', dirname(file.name)), { recursive: true });
  writeFileSync(join(dir, 'proto', file.name), file.text);

  it('compiles with Debian’s protoc 3.5.1 (grpc_tools), which refuses proto3 `optional`', async () => {
    const { stdout } = await run(python, ['-m', 'grpc_tools.protoc', '--version']);
    expect(stdout.trim()).toBe('libprotoc 3.5.1');
    expect(file.text).not.toMatch(/^\s*optional /m);
    await run(python, [join(here, '../../../examples/python/grpc_stubs.py'), join(dir, 'proto'), file.name, join(dir, 'stubs')]);
    expect(existsSync(join(dir, 'stubs/shop/v1/shop_pb2_grpc.py'))).toBe(true);
  });

  it('passes buf lint: STANDARD less SERVICE_SUFFIX, ENUM_VALUE_PREFIX, ENUM_VALUE_UPPER_SNAKE_CASE', async () => {
    writeFileSync(
      join(dir, 'proto/buf.yaml'),
      'version: v2\nlint:\n  use: [STANDARD]\n  except: [SERVICE_SUFFIX, ENUM_VALUE_PREFIX, ENUM_VALUE_UPPER_SNAKE_CASE]\n',
    );
    const lint = await run(process.execPath, [bufBin(), 'lint'], { cwd: join(dir, 'proto') }).catch(
      (e: { stdout: string; code: number }) => e,
    );
    expect(lint.stdout).toBe('');
    expect('code' in lint ? lint.code : 0).toBe(0);
  });

  it('is what a Python grpcio client calls the served service with: an optional field left out, an enum, a nested message', async () => {
    const stubs = join(dir, 'stubs');
    if (!existsSync(join(stubs, 'shop/v1/shop_pb2_grpc.py')))
      await run(python, [join(here, '../../../examples/python/grpc_stubs.py'), join(dir, 'proto'), file.name, stubs]);
    // Python 3 needs the package directories to import shop.v1.
    for (const d of ['shop', 'shop/v1']) writeFileSync(join(stubs, d, '__init__.py'), '');
    const { url } = await serveGrpc({}, shopImpl);
    const { stdout } = await run(python, [join(here, 'fixtures/shop_client.py'), new URL(url).host, stubs]);
    const lines = stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines[0]).toEqual({
      call: 'order',
      id: 7,
      size: 'LARGE',
      has_note: false,
      echo: JSON.stringify({ customer: 'ada', size: 'LARGE', address: { city: 'Paris', zipCode: '75001' } }),
    });
    expect(lines[1]).toMatchObject({ call: 'order', has_note: true, note: 'ring twice' });
    expect(JSON.parse(lines[1]?.echo as string)).toMatchObject({ size: 'SMALL', note: 'ring twice' });
    expect(lines[2]).toMatchObject({ call: 'unset', code: 'INVALID_ARGUMENT' });
    expect(lines[2]?.details).toMatch(/size/);
    expect(lines[3]).toEqual({ call: 'total', value: 12.5 });
  });
});
