/**
 * The transports the CLI speaks: socket, gRPC and memory always; every other
 * Interoffice transport package that can be imported from here (Redis,
 * pipes, file, shared memory, NATS, AMQP, MQTT, HTTP, WebSocket), found at run time; and any module named with
 * `--transport`.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { isAbsolute, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { memoryTransport, type Transport } from '@interoffice/core';
import { grpcTransport, type GrpcTlsOptions } from '@interoffice/transport-grpc';
import { socketTransport } from '@interoffice/transport-socket';
import { option, UsageError, type Parsed } from './args.js';
import { processIo } from './io.js';

/** Packages loaded when they can be imported, with their factory. */
const optional = [
  ['@interoffice/transport-redis', 'redisTransport'],
  ['@interoffice/transport-pipe', 'pipeTransport'],
  ['@interoffice/transport-file', 'fileTransport'],
  ['@interoffice/transport-shm', 'shmTransport'],
  ['@interoffice/transport-amqp', 'amqpTransport'],
  ['@interoffice/transport-nats', 'natsTransport'],
  ['@interoffice/transport-mqtt', 'mqttTransport'],
  ['@interoffice/transport-http', 'httpTransport'],
  ['@interoffice/transport-http', 'wsTransport'],
] as const;

/** Options every command that connects takes. */
export const CONNECT_OPTIONS = [
  '--transport',
  '--ca',
  '--cert',
  '--key',
  '--server-name',
  '--auth-key',
  '--auth-key-file',
  '--expect-owner',
] as const;

function isTransport(value: unknown): value is Transport {
  const t = value as Partial<Transport> | null;
  return typeof t === 'object' && t !== null && Array.isArray(t.schemes) && typeof t.connect === 'function';
}

/** The transports a module offers: its default export, and every `*Transport` factory (called without options). */
function transportsOf(module: Record<string, unknown>, only?: string): Transport[] {
  const out: Transport[] = [];
  for (const [name, value] of Object.entries(module)) {
    if (only !== undefined && name !== only) continue;
    if (isTransport(value)) out.push(value);
    else if (typeof value === 'function' && (name === 'default' || /Transport$/.test(name))) {
      const made: unknown = (value as () => unknown)();
      if (isTransport(made)) out.push(made);
    }
  }
  return out;
}

async function importFromCwd(spec: string): Promise<Record<string, unknown>> {
  const looksLikePath = spec.startsWith('.') || isAbsolute(spec) || /\.[cm]?js$/.test(spec);
  const url = looksLikePath
    ? pathToFileURL(resolve(spec)).href
    : pathToFileURL(createRequire(join(process.cwd(), 'index.js')).resolve(spec)).href;
  return (await import(url)) as Record<string, unknown>;
}

async function pem(p: Parsed, name: string): Promise<Buffer | undefined> {
  const path = option(p, name);
  return path === undefined ? undefined : readFile(path);
}

/**
 * The shared key for socket URLs: from --auth-key-file (its bytes, less one
 * trailing newline), else INTEROFFICE_AUTH_KEY; --auth-key still works, but
 * every user of the machine can read a command line (`ps`), so it is warned about.
 */
async function authKey(p: Parsed, warn: (line: string) => void): Promise<Uint8Array | string | undefined> {
  const [file, inline] = [option(p, '--auth-key-file'), option(p, '--auth-key')];
  if (file !== undefined && inline !== undefined) throw new UsageError('give --auth-key-file or --auth-key, not both');
  if (inline !== undefined) {
    warn(
      'warning: --auth-key puts the key where every user of this machine can read it (ps); use INTEROFFICE_AUTH_KEY or --auth-key-file',
    );
    return inline;
  }
  if (file === undefined) return process.env.INTEROFFICE_AUTH_KEY || undefined;
  const bytes = await readFile(file).catch((e: NodeJS.ErrnoException) => {
    throw new UsageError(`--auth-key-file ${file}: ${e.code ?? e.message}`);
  });
  const end = bytes.at(-1) === 0x0a ? (bytes.at(-2) === 0x0d ? -2 : -1) : bytes.length;
  return bytes.subarray(0, end);
}

/** --expect-owner: a uid, or `any`. */
function expectOwner(p: Parsed): number | 'any' | undefined {
  const v = option(p, '--expect-owner');
  if (v === undefined || v === 'any') return v;
  if (!/^\d+$/.test(v)) throw new UsageError(`--expect-owner takes a uid (id -u name) or any, got ${JSON.stringify(v)}`);
  return Number(v);
}

/** The transports for a command, configured from its options; `warn` gets notes for stderr. */
export async function loadTransports(p: Parsed, warn: (line: string) => void = processIo.err): Promise<Transport[]> {
  const tls: GrpcTlsOptions = {};
  const [ca, cert, key] = [await pem(p, '--ca'), await pem(p, '--cert'), await pem(p, '--key')];
  if (ca) tls.ca = ca;
  if (cert) tls.cert = cert;
  if (key) tls.key = key;
  const serverName = option(p, '--server-name');
  if (serverName) tls.serverName = serverName;
  const socket = { authKey: await authKey(p, warn), expectOwner: expectOwner(p) };
  // Modules named on the command line come first, so they win a scheme.
  const named: Transport[] = [];
  for (const spec of p.options.get('--transport') ?? []) {
    let found: Transport[];
    try {
      found = transportsOf(await importFromCwd(spec));
    } catch (e) {
      throw new UsageError(`--transport ${spec}: ${(e as Error).message}`);
    }
    if (found.length === 0)
      throw new UsageError(`--transport ${spec}: the module exports no transport (a default export or a *Transport factory)`);
    named.push(...found);
  }
  const found: Transport[] = [];
  for (const [pkg, factory] of optional) {
    try {
      found.push(...transportsOf((await import(pkg)) as Record<string, unknown>, factory));
    } catch {
      // not installed beside the CLI: its URLs need --transport
    }
  }
  return [
    ...named,
    socketTransport(socket),
    grpcTransport({ tls, logger: { warn: () => {}, error: () => {} } }),
    ...found,
    memoryTransport(),
  ];
}
