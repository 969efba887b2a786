/**
 * `interoffice list <url>`: the methods a server offers — through server
 * reflection on gRPC, through `rpc.discover` (its OpenRPC document) on the
 * JSON transports.
 */
import { connect, rawCall, type Channel } from '@interoffice/core';
import { GrpcChannel, type Reflection } from '@interoffice/transport-grpc';
import { parseArgs, UsageError } from '../args.js';
import type { Io } from '../io.js';
import { CONNECT_OPTIONS, loadTransports } from '../transports.js';

type Json = Record<string, unknown>;

/** A JSON Schema in a few characters: `number`, `string[]`, `{a, b}`, `"x"|"y"`. */
function typeText(schema: Json | undefined): string {
  if (schema === undefined) return 'unknown';
  if (Array.isArray(schema.enum)) return schema.enum.map((v) => JSON.stringify(v)).join('|');
  if ('const' in schema) return JSON.stringify(schema.const);
  const union = (schema.anyOf ?? schema.oneOf) as Json[] | undefined;
  if (Array.isArray(union)) return union.map(typeText).join('|');
  if (schema.type === 'array') return `${typeText(schema.items as Json | undefined)}[]`;
  if (schema.type === 'object' && schema.properties !== undefined)
    return `{${Object.keys(schema.properties as Json).join(', ')}}`;
  if (schema.type === 'object') return 'object';
  if (Array.isArray(schema.type)) return schema.type.join('|');
  return typeof schema.type === 'string' ? schema.type : 'unknown';
}

function reflectionSummary(r: Reflection): Json {
  return {
    services: r.services.map((s) => ({
      name: s.typeName,
      methods: s.methods.map((m) => ({
        name: m.name,
        kind: m.methodKind,
        input: m.input.typeName,
        output: m.output.typeName,
      })),
    })),
  };
}

function printReflection(r: Reflection, io: Io): void {
  for (const s of r.services) {
    io.out(s.typeName);
    for (const m of s.methods) {
      const input =
        m.methodKind === 'client_streaming' || m.methodKind === 'bidi_streaming'
          ? `stream ${m.input.typeName}`
          : m.input.typeName;
      const output =
        m.methodKind === 'server_streaming' || m.methodKind === 'bidi_streaming'
          ? `stream ${m.output.typeName}`
          : m.output.typeName;
      io.out(`  ${m.name}(${input}) → ${output}`);
    }
  }
}

function printOpenRpc(doc: Json, io: Io): void {
  for (const m of (doc.methods ?? []) as Json[]) {
    const kind = m['x-interoffice-kind'];
    const streamed = kind === 'clientStream' || kind === 'bidiStream';
    const params = ((m.params ?? []) as Json[]).map((p) =>
      streamed
        ? `stream ${typeText(p.schema as Json | undefined)}`
        : `${String(p.name)}${p.required ? '' : '?'}: ${typeText(p.schema as Json | undefined)}`,
    );
    const result = m.result as Json | undefined;
    const returns =
      kind === 'notification'
        ? 'notification'
        : `${kind === 'serverStream' || kind === 'bidiStream' ? 'stream ' : ''}${typeText(result?.schema as Json | undefined)}`;
    io.out(`${String(m.name)}(${params.join(', ')}) → ${returns}${m.description ? `    ${String(m.description)}` : ''}`);
  }
}

async function describe(channel: Channel, json: boolean, io: Io): Promise<void> {
  if (channel instanceof GrpcChannel) {
    const r = await channel.reflection();
    if (json) io.out(JSON.stringify(reflectionSummary(r), null, 2));
    else printReflection(r, io);
    return;
  }
  const doc = (await rawCall(channel, 'rpc.discover', [])) as Json;
  if (json) io.out(JSON.stringify(doc, null, 2));
  else printOpenRpc(doc, io);
}

export async function list(args: readonly string[], io: Io): Promise<number> {
  const p = parseArgs(args, { options: [...CONNECT_OPTIONS], flags: ['--json'] });
  const [url, ...rest] = p.positionals;
  if (url === undefined || rest.length > 0) throw new UsageError('list takes <url>');
  const channel = await connect(url, { transports: await loadTransports(p) });
  try {
    await describe(channel, p.flags.has('--json'), io);
  } finally {
    await channel.close();
  }
  return 0;
}
