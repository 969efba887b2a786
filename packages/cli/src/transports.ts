/**
 * The transports the CLI speaks: socket, gRPC and memory always; every other
 * Interoffice transport package that can be imported from here (Redis,
 * pipes, file, shared memory), found at run time; and any module named with
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

/** Packages loaded when they can be imported, with their factory. */
const optional = [
  ['@interoffice/transport-redis', 'redisTransport'],
  ['@interoffice/transport-pipe', 'pipeTransport'],
  ['@interoffice/transport-file', 'fileTransport'],
  ['@interoffice/transport-shm', 'shmTransport'],
] as const;

/** Options every command that connects takes. */
export const CONNECT_OPTIONS = ['--transport', '--ca', '--cert', '--key', '--server-name', '--auth-key'] as const;

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
  const url = looksLikePath ? pathToFileURL(resolve(spec)).href : pathToFileURL(createRequire(join(process.cwd(), 'index.js')).resolve(spec)).href;
  return (await import(url)) as Record<string, unknown>;
}

async function pem(p: Parsed, name: string): Promise<Buffer | undefined> {
  const path = option(p, name);
  return path === undefined ? undefined : readFile(path);
}

/** The transports for a command, configured from its options. */
export async function loadTransports(p: Parsed): Promise<Transport[]> {
  const tls: GrpcTlsOptions = {};
  const [ca, cert, key] = [await pem(p, '--ca'), await pem(p, '--cert'), await pem(p, '--key')];
  if (ca) tls.ca = ca;
  if (cert) tls.cert = cert;
  if (key) tls.key = key;
  const serverName = option(p, '--server-name');
  if (serverName) tls.serverName = serverName;
  const authKey = option(p, '--auth-key') ?? process.env.INTEROFFICE_AUTH_KEY;
  // Modules named on the command line come first, so they win a scheme.
  const named: Transport[] = [];
  for (const spec of p.options.get('--transport') ?? []) {
    let found: Transport[];
    try {
      found = transportsOf(await importFromCwd(spec));
    } catch (e) {
      throw new UsageError(`--transport ${spec}: ${(e as Error).message}`);
    }
    if (found.length === 0) throw new UsageError(`--transport ${spec}: the module exports no transport (a default export or a *Transport factory)`);
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
    socketTransport(authKey === undefined ? {} : { authKey }),
    grpcTransport({ tls, logger: { warn: () => {}, error: () => {} } }),
    ...found,
    memoryTransport(),
  ];
}
