/**
 * `interoffice call <url> <method> ['<json params>']`: one call by name, on
 * any transport, like grpcurl. The result is printed as JSON; a server
 * stream prints one JSON line per item.
 */
import { createInterface } from 'node:readline';
import {
  connect,
  DEFAULT_TIMEOUT_MS,
  rawCall,
  resumingStream,
  type Channel,
  type ChannelCall,
  type Metadata,
  type MethodKind,
} from '@interoffice/core';
import { GrpcChannel, resolveMethod } from '@interoffice/transport-grpc';
import { numberOption, parseArgs, UsageError, type Parsed } from '../args.js';
import type { Io } from '../io.js';
import { CONNECT_OPTIONS, loadTransports } from '../transports.js';

/** Request metadata from `-H key:value` options. */
export function headers(p: Parsed): Metadata {
  const meta: Metadata = {};
  for (const h of p.options.get('--header') ?? []) {
    const colon = h.indexOf(':');
    if (colon <= 0) throw new UsageError(`--header wants key:value, got ${JSON.stringify(h)}`);
    meta[h.slice(0, colon).trim().toLowerCase()] = h.slice(colon + 1).trim();
  }
  return meta;
}

/** The params argument: JSON, or none. */
export function parseParams(text: string | undefined): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new UsageError(`params must be JSON, got ${JSON.stringify(text)}`);
  }
}

/** How long the question of a method's kind may take, at most: a server that cannot say is called as unary. */
const DISCOVER_MS = 5000;

/**
 * The kind of `method` as the server tells it (gRPC reflection, or rpc.discover elsewhere),
 * asked within the call's own deadline; `unary` when it cannot say.
 */
async function kindOf(channel: Channel, method: string, deadline: number): Promise<{ kind: MethodKind; resumable: boolean }> {
  const unary = { kind: 'unary', resumable: false } as const; // a server that cannot say is called as unary
  try {
    if (channel instanceof GrpcChannel) {
      // The name as a call resolves it: `countdown` is a zod service's RPC `Countdown`.
      const found = resolveMethod(await channel.reflection(), method);
      return 'kind' in found ? { kind: found.kind, resumable: false } : unary;
    }
    const timeout = Math.min(DISCOVER_MS, deadline - Date.now());
    const doc = (await rawCall(channel, 'rpc.discover', [], { timeout })) as {
      methods?: { name?: string; 'x-interoffice-kind'?: MethodKind; 'x-interoffice-resumable'?: boolean }[];
    };
    const found = doc.methods?.find((m) => m.name === method || m.name?.endsWith(`.${method}`));
    return found === undefined
      ? unary
      : { kind: found['x-interoffice-kind'] ?? 'unary', resumable: found['x-interoffice-resumable'] === true };
  } catch {
    return unary;
  }
}

/** A method that takes a stream reads its inputs from stdin: one JSON value per line. */
async function* stdinInputs(): AsyncGenerator<unknown> {
  const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
  let n = 0;
  for await (const line of lines) {
    n++;
    if (line.trim() === '') continue;
    try {
      yield JSON.parse(line) as unknown;
    } catch {
      throw new UsageError(`stdin line ${n} is not JSON: ${JSON.stringify(line.slice(0, 80))}`);
    }
  }
}

export async function call(args: readonly string[], io: Io): Promise<number> {
  const p = parseArgs(args, {
    options: ['--timeout', '--header', ...CONNECT_OPTIONS],
    flags: ['--stream', '--verbose'],
    aliases: { '-H': '--header', '-v': '--verbose' },
  });
  const [url, method, json, ...rest] = p.positionals;
  if (url === undefined || method === undefined || rest.length > 0)
    throw new UsageError('call takes <url> <method> [json params]');
  const params = parseParams(json);
  // One deadline for the whole command, the discovery question included.
  const deadline = Date.now() + numberOption(p, '--timeout', DEFAULT_TIMEOUT_MS);
  const meta = headers(p);
  const onResponseMeta = p.flags.has('--verbose')
    ? (m: Metadata) => io.err(`response metadata: ${JSON.stringify(m)}`)
    : undefined;
  const channel = await connect(url, { transports: await loadTransports(p) });
  try {
    const { kind, resumable } = p.flags.has('--stream')
      ? { kind: 'serverStream' as const, resumable: false }
      : await kindOf(channel, method, deadline);
    const streamCall = (k: MethodKind): ChannelCall => ({
      method,
      kind: k,
      descriptor: undefined,
      params: k === 'clientStream' || k === 'bidiStream' ? undefined : params,
      ...(k === 'clientStream' || k === 'bidiStream' ? { inputs: stdinInputs() } : {}),
      meta,
      deadline,
      signal: undefined,
      waitForReady: false,
      onResponseMeta,
      errors: undefined,
      decode: (wire) => wire,
    });
    if (kind === 'serverStream' || kind === 'bidiStream') {
      // A resumable stream goes on after a dropped connection, from the last item printed.
      const items = resumable ? resumingStream(streamCall(kind), (c) => channel.stream(c)) : channel.stream(streamCall(kind));
      for await (const item of items) io.out(JSON.stringify(item));
    } else if (kind === 'clientStream') {
      io.out(JSON.stringify((await channel.unary(streamCall(kind))) ?? null, null, 2));
    } else {
      const result = await rawCall(channel, method, params, {
        timeout: Math.max(0, deadline - Date.now()),
        meta,
        ...(onResponseMeta ? { onResponseMeta } : {}),
      });
      io.out(JSON.stringify(result ?? null, null, 2));
    }
  } finally {
    await channel.close();
  }
  return 0;
}
